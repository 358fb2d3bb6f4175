//! The Pongo screens' words in English, Arabic and French.

use super::Label;

/// Every label the Pongo screens show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PongoText {
    Title,
    PhoneLabel,
    EmailOptinQuestion,
    SmsOptinQuestion,
    Yes,
    No,
    Join,
    /// "Join and earn {n} on this order.", before joining.
    JoinAndEarn,
    YouWillEarn,
    WelcomeMember,
    WelcomeBack,
    PointsGoTo,
    ProveToSee,
    SendMeACode,
    /// A second code, from the code form.
    SendNewCode,
    CodeTextedTo,
    Verify,
    YourPoints,
    EarnFrom,
    Rewards,
    WithinReach,
    PointsUnit,
    OrderEarned,
}

impl Label for PongoText {
    fn en(self) -> &'static str {
        use PongoText::*;
        match self {
            Title => "Join our loyalty program",
            PhoneLabel => "Mobile number",
            EmailOptinQuestion => "May we send you offers by email?",
            SmsOptinQuestion => "May we send you offers by SMS?",
            Yes => "Yes",
            No => "No",
            Join => "Join and see my points",
            JoinAndEarn => "Join and earn {n} on this order.",
            YouWillEarn => "Points this order will earn:",
            WelcomeMember => "Welcome to the program!",
            WelcomeBack => "Welcome back!",
            PointsGoTo => "This order's points will be added to the account of",
            ProveToSee => "To see your points and rewards, confirm this number is yours.",
            SendMeACode => "Text me a code",
            SendNewCode => "Text me a new code",
            CodeTextedTo => "Enter the code we texted to",
            Verify => "Confirm",
            YourPoints => "Your points:",
            EarnFrom => "Orders from this amount earn points:",
            Rewards => "Rewards",
            WithinReach => "within reach",
            PointsUnit => "points",
            OrderEarned => "Thank you! This order earned you:",
        }
    }

    fn ar(self) -> &'static str {
        use PongoText::*;
        match self {
            Title => "انضم إلى برنامج الولاء",
            PhoneLabel => "رقم الجوال",
            EmailOptinQuestion => "هل نرسل لك العروض عبر البريد الإلكتروني؟",
            SmsOptinQuestion => "هل نرسل لك العروض عبر الرسائل النصية؟",
            Yes => "نعم",
            No => "لا",
            Join => "انضم واعرض نقاطي",
            JoinAndEarn => "انضم واكسب {n} من هذا الطلب.",
            YouWillEarn => "النقاط التي سيكسبها هذا الطلب:",
            WelcomeMember => "مرحباً بك في البرنامج!",
            WelcomeBack => "مرحباً بعودتك!",
            PointsGoTo => "ستُضاف نقاط هذا الطلب إلى حساب الرقم",
            ProveToSee => "لرؤية نقاطك ومكافآتك، أكّد أن هذا الرقم لك.",
            SendMeACode => "أرسل لي رمزاً",
            SendNewCode => "أرسل لي رمزاً جديداً",
            CodeTextedTo => "أدخل الرمز المرسل إلى",
            Verify => "تأكيد",
            YourPoints => "نقاطك:",
            EarnFrom => "تكسب الطلبات النقاط ابتداءً من هذا المبلغ:",
            Rewards => "المكافآت",
            WithinReach => "في متناولك",
            PointsUnit => "نقطة",
            OrderEarned => "شكراً لك! كسبت من هذا الطلب:",
        }
    }

    fn fr(self) -> &'static str {
        use PongoText::*;
        match self {
            Title => "Rejoignez notre programme de fidélité",
            PhoneLabel => "Numéro de mobile",
            EmailOptinQuestion => "Pouvons-nous vous envoyer des offres par e-mail\u{a0}?",
            SmsOptinQuestion => "Pouvons-nous vous envoyer des offres par SMS\u{a0}?",
            Yes => "Oui",
            No => "Non",
            Join => "Rejoindre et voir mes points",
            JoinAndEarn => "Rejoignez le programme et gagnez {n} avec cette commande.",
            YouWillEarn => "Points que cette commande rapportera\u{a0}:",
            WelcomeMember => "Bienvenue dans le programme\u{a0}!",
            WelcomeBack => "Bon retour parmi nous\u{a0}!",
            PointsGoTo => "Les points de cette commande seront ajoutés au compte du",
            ProveToSee => {
                "Pour voir vos points et vos récompenses, confirmez que ce numéro est le vôtre."
            }
            SendMeACode => "M’envoyer un code par SMS",
            SendNewCode => "M’envoyer un nouveau code",
            CodeTextedTo => "Saisissez le code envoyé au",
            Verify => "Confirmer",
            YourPoints => "Vos points\u{a0}:",
            EarnFrom => "Les commandes rapportent des points à partir de\u{a0}:",
            Rewards => "Récompenses",
            WithinReach => "à votre portée",
            PointsUnit => "points",
            OrderEarned => "Merci\u{a0}! Cette commande vous a rapporté\u{a0}:",
        }
    }
}
