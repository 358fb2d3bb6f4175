//! The Mokafaa screens' words in English, Arabic and French. `{n}` and `{b}` in a template
//! are filled by [`super::Lang::fill`].

use super::Label;

/// Every label the Mokafaa screens show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MokafaaText {
    Title,
    VerifyWith,
    ByMobile,
    ByCustomerNumber,
    ByIban,
    IbanLabel,
    MobileLabel,
    CustomerNumberLabel,
    SendCode,
    Sending,
    Checking,
    CodeSentTo,
    PointsReturned,
    CodeExpired,
    CodeExpiresIn,
    /// Said once, by the countdown's live region, when a minute is left.
    OneMinuteLeft,
    Balance,
    CodeLabel,
    AmountLabel,
    UseMaximum,
    /// "Up to {n}: {b}", the cap and why.
    CapLine,
    CapOrderTotal,
    CapBalance,
    CapStoreLimit,
    /// Why, when the widget cannot tell which limit it is.
    CapMost,
    /// "This uses {n}.", the points the amount typed costs.
    CostLine,
    UsePoints,
    ResendIn,
    Resend,
    /// The last code was sent: the resend button stays off, and this says why.
    NoMoreCodes,
    OtherNumber,
    YouUsed,
    Off,
    Undo,
}

impl Label for MokafaaText {
    fn en(self) -> &'static str {
        use MokafaaText::*;
        match self {
            Title => "Al Rajhi Bank Mokafaa",
            VerifyWith => "Verify with",
            ByMobile => "Mobile number",
            ByCustomerNumber => "Bank account (customer number)",
            ByIban => "Bank account (IBAN)",
            IbanLabel => "Your Al Rajhi IBAN (SA…)",
            MobileLabel => "Mobile number registered with Al Rajhi Bank",
            CustomerNumberLabel => "Al Rajhi customer number",
            SendCode => "Send code",
            Sending => "Sending…",
            Checking => "Checking…",
            CodeSentTo => "We sent a code to",
            PointsReturned => "Points returned to your balance:",
            CodeExpired => "The code has expired. Press “Resend code” for a new one.",
            CodeExpiresIn => "Code expires in",
            OneMinuteLeft => "The code expires in 1 minute.",
            Balance => "Your balance:",
            CodeLabel => "4-digit code",
            AmountLabel => "Amount to pay with points (SAR)",
            UseMaximum => "Use maximum",
            CapLine => "Up to {n}: {b}",
            CapOrderTotal => "your order total",
            CapBalance => "your points balance",
            CapStoreLimit => "the store’s limit",
            CapMost => "the most this order can take in points",
            CostLine => "This uses {n}.",
            UsePoints => "Use points",
            ResendIn => "Resend code in",
            Resend => "Resend code",
            NoMoreCodes => "No more codes can be sent for this try.",
            OtherNumber => "Use another number",
            YouUsed => "Points used:",
            Off => "off your order",
            Undo => "Undo",
        }
    }

    fn ar(self) -> &'static str {
        use MokafaaText::*;
        match self {
            Title => "مكافأة مصرف الراجحي",
            VerifyWith => "التحقق عبر",
            ByMobile => "رقم الجوال",
            ByCustomerNumber => "الحساب البنكي (رقم العميل)",
            ByIban => "الحساب البنكي (الآيبان)",
            IbanLabel => "رقم الآيبان في مصرف الراجحي (SA…)",
            MobileLabel => "رقم الجوال المسجل لدى مصرف الراجحي",
            CustomerNumberLabel => "رقم عميل الراجحي",
            SendCode => "إرسال الرمز",
            Sending => "جارٍ الإرسال…",
            Checking => "جارٍ التحقق…",
            CodeSentTo => "أرسلنا رمزاً إلى",
            PointsReturned => "النقاط المعادة إلى رصيدك:",
            CodeExpired => "انتهت صلاحية الرمز. اضغط «إعادة إرسال الرمز» للحصول على رمز جديد.",
            CodeExpiresIn => "تنتهي صلاحية الرمز خلال",
            OneMinuteLeft => "تنتهي صلاحية الرمز خلال دقيقة واحدة.",
            Balance => "رصيدك:",
            CodeLabel => "الرمز المكون من 4 أرقام",
            AmountLabel => "المبلغ المدفوع بالنقاط (ريال)",
            UseMaximum => "استخدم الحد الأقصى",
            CapLine => "حتى {n}: {b}",
            CapOrderTotal => "إجمالي طلبك",
            CapBalance => "رصيد نقاطك",
            CapStoreLimit => "الحد الذي وضعه المتجر",
            CapMost => "أقصى ما يقبله هذا الطلب بالنقاط",
            CostLine => "يستخدم هذا {n}.",
            UsePoints => "استخدم النقاط",
            ResendIn => "إعادة الإرسال خلال",
            Resend => "إعادة إرسال الرمز",
            NoMoreCodes => "لا يمكن إرسال رموز أخرى لهذه المحاولة.",
            OtherNumber => "استخدم رقماً آخر",
            YouUsed => "النقاط المستخدمة:",
            Off => "خصم من طلبك",
            Undo => "تراجع",
        }
    }

    fn fr(self) -> &'static str {
        use MokafaaText::*;
        match self {
            Title => "Mokafaa d’Al Rajhi Bank",
            VerifyWith => "Vérifier avec",
            ByMobile => "Numéro de mobile",
            ByCustomerNumber => "Compte bancaire (numéro client)",
            ByIban => "Compte bancaire (IBAN)",
            IbanLabel => "Votre IBAN Al Rajhi (SA…)",
            MobileLabel => "Numéro de mobile enregistré chez Al Rajhi Bank",
            CustomerNumberLabel => "Numéro client Al Rajhi",
            SendCode => "Envoyer le code",
            Sending => "Envoi…",
            Checking => "Vérification…",
            CodeSentTo => "Nous avons envoyé un code au",
            PointsReturned => "Points rendus à votre solde\u{a0}:",
            CodeExpired => {
                "Le code a expiré. Appuyez sur «\u{a0}Renvoyer le code\u{a0}» pour en recevoir un nouveau."
            }
            CodeExpiresIn => "Le code expire dans",
            OneMinuteLeft => "Le code expire dans 1\u{a0}minute.",
            Balance => "Votre solde\u{a0}:",
            CodeLabel => "Code à 4\u{a0}chiffres",
            AmountLabel => "Montant à payer en points (SAR)",
            UseMaximum => "Utiliser le maximum",
            CapLine => "Jusqu’à {n}\u{a0}: {b}",
            CapOrderTotal => "le total de votre commande",
            CapBalance => "votre solde de points",
            CapStoreLimit => "la limite du magasin",
            CapMost => "le maximum que cette commande accepte en points",
            CostLine => "Cela utilise {n}.",
            UsePoints => "Utiliser les points",
            ResendIn => "Renvoyer le code dans",
            Resend => "Renvoyer le code",
            NoMoreCodes => "Aucun autre code ne peut être envoyé pour cette tentative.",
            OtherNumber => "Utiliser un autre numéro",
            YouUsed => "Points utilisés\u{a0}:",
            Off => "de remise sur votre commande",
            Undo => "Annuler",
        }
    }
}
