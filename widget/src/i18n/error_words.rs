//! The words of the widget's error sentences ([`super::errors`]): what happened, and what
//! to do next, in English, Arabic and French.

use super::errors::{Next, Reason};
use super::Label;

impl Label for Reason {
    fn en(self) -> &'static str {
        use Reason::*;
        match self {
            WrongCode => "That code is not right.",
            TooManyWrong => "Too many wrong codes.",
            Expired => "The code has expired.",
            AlreadyUsed => "This code was already used.",
            CartChanged => "Your cart changed, so the code no longer applies.",
            CodesUsedUp => "No more codes can be sent for this try.",
            NotYet => "A new code cannot be sent yet.",
            TooManyTries => "Too many tries.",
            OverLimit => "That is more than this order can take in points.",
            Insufficient => "Your points do not cover that amount.",
            UnderMinimum => "That is less than the smallest amount you can pay with points.",
            BadAmount => "That amount cannot be read.",
            BadPhone => "That is not a Saudi mobile number.",
            UnreadablePhone => "That phone number cannot be read.",
            BadAccount => "That account number is not valid.",
            NoAccount => "No loyalty account was found for this number.",
            Optin => "Please answer both questions, email and SMS.",
            SessionEnded => "Your checkout session has ended.",
            Gone => "This step is no longer available.",
            NotOnThisSite => "Points cannot be used on this site right now.",
            ServiceDown => "The loyalty service is not answering. Points are never taken twice.",
            Refused => "The loyalty service refused this. Nothing was charged.",
            StillChecking => "We are still confirming your points payment.",
            AlreadyReturned => "These points were already returned to you.",
            CannotText => "This store cannot text you a code. Your points still go to your number.",
            PaidElsewhere => "Points were already used for this cart in another window.",
            ProgramOff => "The store’s loyalty program is not available right now.",
            Internal => "Something went wrong on our side. Points are never taken twice.",
        }
    }

    fn ar(self) -> &'static str {
        use Reason::*;
        match self {
            WrongCode => "الرمز غير صحيح.",
            TooManyWrong => "رموز خاطئة كثيرة.",
            Expired => "انتهت صلاحية الرمز.",
            AlreadyUsed => "استُخدم هذا الرمز من قبل.",
            CartChanged => "تغيّرت سلتك، فلم يعد الرمز صالحاً.",
            CodesUsedUp => "لا يمكن إرسال رموز أخرى لهذه المحاولة.",
            NotYet => "لا يمكن إرسال رمز جديد بعد.",
            TooManyTries => "محاولات كثيرة.",
            OverLimit => "هذا أكثر مما يقبله هذا الطلب بالنقاط.",
            Insufficient => "نقاطك لا تكفي لهذا المبلغ.",
            UnderMinimum => "هذا أقل من أصغر مبلغ يمكن دفعه بالنقاط.",
            BadAmount => "تعذّرت قراءة هذا المبلغ.",
            BadPhone => "هذا ليس رقم جوال سعودياً.",
            UnreadablePhone => "تعذّرت قراءة رقم الهاتف هذا.",
            BadAccount => "رقم الحساب هذا غير صحيح.",
            NoAccount => "لم نجد حساب ولاء لهذا الرقم.",
            Optin => "يرجى الإجابة على السؤالين: البريد الإلكتروني والرسائل النصية.",
            SessionEnded => "انتهت جلسة الدفع.",
            Gone => "هذه الخطوة لم تعد متاحة.",
            NotOnThisSite => "لا يمكن استخدام النقاط على هذا الموقع حالياً.",
            ServiceDown => "خدمة الولاء لا تستجيب. لا تُخصم النقاط مرتين أبداً.",
            Refused => "رفضت خدمة الولاء هذا الطلب. لم يُخصم أي شيء.",
            StillChecking => "ما زلنا نؤكد الدفع بالنقاط.",
            AlreadyReturned => "أُعيدت إليك هذه النقاط من قبل.",
            CannotText => "لا يستطيع هذا المتجر إرسال رمز إليك. ستُضاف نقاطك إلى رقمك على أي حال.",
            PaidElsewhere => "استُخدمت النقاط لهذه السلة في نافذة أخرى.",
            ProgramOff => "برنامج الولاء في هذا المتجر غير متاح حالياً.",
            Internal => "حدث خطأ من جانبنا. لا تُخصم النقاط مرتين أبداً.",
        }
    }

    fn fr(self) -> &'static str {
        use Reason::*;
        match self {
            WrongCode => "Ce code n’est pas le bon.",
            TooManyWrong => "Trop de codes erronés.",
            Expired => "Le code a expiré.",
            AlreadyUsed => "Ce code a déjà été utilisé.",
            CartChanged => "Votre panier a changé, le code ne s’applique plus.",
            CodesUsedUp => "Aucun autre code ne peut être envoyé pour cette tentative.",
            NotYet => "Un nouveau code ne peut pas encore être envoyé.",
            TooManyTries => "Trop de tentatives.",
            OverLimit => "C’est plus que ce que cette commande accepte en points.",
            Insufficient => "Vos points ne couvrent pas ce montant.",
            UnderMinimum => "C’est moins que le plus petit montant payable en points.",
            BadAmount => "Ce montant est illisible.",
            BadPhone => "Ce n’est pas un numéro de mobile saoudien.",
            UnreadablePhone => "Ce numéro de téléphone est illisible.",
            BadAccount => "Ce numéro de compte n’est pas valide.",
            NoAccount => "Aucun compte de fidélité n’a été trouvé pour ce numéro.",
            Optin => "Répondez aux deux questions, e-mail et SMS.",
            SessionEnded => "Votre session de paiement a pris fin.",
            Gone => "Cette étape n’est plus disponible.",
            NotOnThisSite => "Les points ne peuvent pas être utilisés sur ce site pour le moment.",
            ServiceDown => "Le service de fidélité ne répond pas. Les points ne sont jamais débités deux fois.",
            Refused => "Le service de fidélité a refusé. Rien n’a été débité.",
            StillChecking => "Nous confirmons encore votre paiement en points.",
            AlreadyReturned => "Ces points vous ont déjà été rendus.",
            CannotText => {
                "Ce magasin ne peut pas vous envoyer de code. Vos points sont quand même crédités sur votre numéro."
            }
            PaidElsewhere => "Des points ont déjà été utilisés pour ce panier dans une autre fenêtre.",
            ProgramOff => "Le programme de fidélité du magasin n’est pas disponible pour le moment.",
            Internal => "Une erreur s’est produite de notre côté. Les points ne sont jamais débités deux fois.",
        }
    }
}

impl Label for Next {
    fn en(self) -> &'static str {
        use Next::*;
        match self {
            Count => "{n}.",
            CheckAndRetype => "Check the text message and type it again.",
            TryAgainIn => "Try again in {n}.",
            TryAgainSoon => "Try again in a moment.",
            PressForNew => "Press “{b}” to get a new code.",
            AskForNew => "Ask for a new code.",
            AskNewIn => "You can ask for a new one in {n}.",
            TypeLastOrRestart => "Type the last code we sent, or press “{b}” to start again.",
            TypeLast => "Type the last code we sent.",
            EnterAtMost => "Enter {n} or less, or press “{b}”.",
            EnterSmaller => "Enter a smaller amount.",
            EnterAtLeast => "Enter at least {n}.",
            EnterLarger => "Enter a larger amount.",
            EnterLike => "Type an amount such as 50 or 12.50.",
            PhoneFormat => "Type it as 05XXXXXXXX.",
            PhoneOrCountryCode => "Type it as 05XXXXXXXX, or with + and the country code.",
            CheckNumber => "Check the number and type it again.",
            CheckOrOther => "Check it, or verify another way.",
            Reload => "Reload the page to continue.",
            PayOtherWay => "You can still pay another way.",
            PlaceOrderAnyway => "You can still place your order.",
            ReloadToSee => "Reload this page to see them, or undo them there.",
            Nothing => "",
        }
    }

    fn ar(self) -> &'static str {
        use Next::*;
        match self {
            Count => "{n}.",
            CheckAndRetype => "تحقق من الرسالة النصية وأدخله مرة أخرى.",
            TryAgainIn => "حاول مرة أخرى بعد {n}.",
            TryAgainSoon => "حاول مرة أخرى بعد لحظات.",
            PressForNew => "اضغط «{b}» للحصول على رمز جديد.",
            AskForNew => "اطلب رمزاً جديداً.",
            AskNewIn => "يمكنك طلب رمز جديد بعد {n}.",
            TypeLastOrRestart => "أدخل آخر رمز أرسلناه، أو اضغط «{b}» للبدء من جديد.",
            TypeLast => "أدخل آخر رمز أرسلناه.",
            EnterAtMost => "أدخل {n} أو أقل، أو اضغط «{b}».",
            EnterSmaller => "أدخل مبلغاً أقل.",
            EnterAtLeast => "أدخل {n} على الأقل.",
            EnterLarger => "أدخل مبلغاً أكبر.",
            EnterLike => "أدخل مبلغاً مثل 50 أو 12.50.",
            PhoneFormat => "أدخله بالشكل 05XXXXXXXX.",
            PhoneOrCountryCode => "أدخله بالشكل 05XXXXXXXX، أو مع + ورمز الدولة.",
            CheckNumber => "تحقق من الرقم وأدخله مرة أخرى.",
            CheckOrOther => "تحقق منه أو اختر طريقة تحقق أخرى.",
            Reload => "أعد تحميل الصفحة للمتابعة.",
            PayOtherWay => "ما زال بإمكانك الدفع بطريقة أخرى.",
            PlaceOrderAnyway => "ما زال بإمكانك إتمام طلبك.",
            ReloadToSee => "أعد تحميل هذه الصفحة لرؤيتها، أو ألغِها هناك.",
            Nothing => "",
        }
    }

    fn fr(self) -> &'static str {
        use Next::*;
        match self {
            Count => "{n}.",
            CheckAndRetype => "Vérifiez le SMS et saisissez-le de nouveau.",
            TryAgainIn => "Réessayez dans {n}.",
            TryAgainSoon => "Réessayez dans un instant.",
            PressForNew => "Appuyez sur «\u{a0}{b}\u{a0}» pour recevoir un nouveau code.",
            AskForNew => "Demandez un nouveau code.",
            AskNewIn => "Vous pourrez en demander un nouveau dans {n}.",
            TypeLastOrRestart => {
                "Saisissez le dernier code envoyé, ou appuyez sur «\u{a0}{b}\u{a0}» pour recommencer."
            }
            TypeLast => "Saisissez le dernier code envoyé.",
            EnterAtMost => "Saisissez {n} ou moins, ou appuyez sur «\u{a0}{b}\u{a0}».",
            EnterSmaller => "Saisissez un montant plus faible.",
            EnterAtLeast => "Saisissez au moins {n}.",
            EnterLarger => "Saisissez un montant plus élevé.",
            EnterLike => "Saisissez un montant comme 50 ou 12,50.",
            PhoneFormat => "Saisissez-le sous la forme 05XXXXXXXX.",
            PhoneOrCountryCode => {
                "Saisissez-le sous la forme 05XXXXXXXX, ou avec + et l’indicatif du pays."
            }
            CheckNumber => "Vérifiez le numéro et saisissez-le de nouveau.",
            CheckOrOther => "Vérifiez-le, ou choisissez un autre moyen de vérification.",
            Reload => "Rechargez la page pour continuer.",
            PayOtherWay => "Vous pouvez toujours payer autrement.",
            PlaceOrderAnyway => "Vous pouvez quand même passer votre commande.",
            ReloadToSee => "Rechargez cette page pour les voir, ou annulez-les là-bas.",
            Nothing => "",
        }
    }
}
