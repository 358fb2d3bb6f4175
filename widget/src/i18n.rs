//! The widget's own words in English and Arabic. Error messages come from
//! `loyalty_shared::ErrorCode` so the edge and the widget never disagree.

use loyalty_shared::Locale;

/// Every label the widget shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    MokafaaTab,
    PongoTab,
    MokafaaTitle,
    VerifyWith,
    ByMobile,
    ByCustomerNumber,
    MobileLabel,
    CustomerNumberLabel,
    SendCode,
    Sending,
    CodeSentTo,
    PongoTitle,
    PhoneLabel,
    EmailOptinQuestion,
    SmsOptinQuestion,
    Yes,
    No,
    Join,
    YouWillEarn,
}

pub fn t(text: Text, locale: Locale) -> &'static str {
    use Text::*;
    match locale {
        Locale::En => match text {
            MokafaaTab => "Pay with Mokafaa points",
            PongoTab => "Earn loyalty points",
            MokafaaTitle => "Al Rajhi Bank Mokafaa",
            VerifyWith => "Verify with",
            ByMobile => "Mobile number",
            ByCustomerNumber => "Bank account (customer number)",
            MobileLabel => "Mobile number registered with Al Rajhi Bank",
            CustomerNumberLabel => "Al Rajhi customer number",
            SendCode => "Send code",
            Sending => "Sending…",
            CodeSentTo => "We sent a code to",
            PongoTitle => "Join our loyalty program",
            PhoneLabel => "Mobile number",
            EmailOptinQuestion => "May we send you offers by email?",
            SmsOptinQuestion => "May we send you offers by SMS?",
            Yes => "Yes",
            No => "No",
            Join => "Join and see my points",
            YouWillEarn => "Points this order will earn:",
        },
        Locale::Ar => match text {
            MokafaaTab => "ادفع بنقاط مكافأة",
            PongoTab => "اكسب نقاط الولاء",
            MokafaaTitle => "مكافأة مصرف الراجحي",
            VerifyWith => "التحقق عبر",
            ByMobile => "رقم الجوال",
            ByCustomerNumber => "الحساب البنكي (رقم العميل)",
            MobileLabel => "رقم الجوال المسجل لدى مصرف الراجحي",
            CustomerNumberLabel => "رقم عميل الراجحي",
            SendCode => "إرسال الرمز",
            Sending => "جارٍ الإرسال…",
            CodeSentTo => "أرسلنا رمزاً إلى",
            PongoTitle => "انضم إلى برنامج الولاء",
            PhoneLabel => "رقم الجوال",
            EmailOptinQuestion => "هل نرسل لك العروض عبر البريد الإلكتروني؟",
            SmsOptinQuestion => "هل نرسل لك العروض عبر الرسائل النصية؟",
            Yes => "نعم",
            No => "لا",
            Join => "انضم واعرض نقاطي",
            YouWillEarn => "النقاط التي سيكسبها هذا الطلب:",
        },
    }
}
