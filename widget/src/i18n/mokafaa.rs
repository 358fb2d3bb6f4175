//! The Mokafaa screens' words in English and Arabic.

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
    Balance,
    CodeLabel,
    AmountLabel,
    UpTo,
    UsePoints,
    ResendIn,
    Resend,
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
            CodeExpired => "The code has expired. Request a new one.",
            CodeExpiresIn => "Code expires in",
            Balance => "Your balance:",
            CodeLabel => "4-digit code",
            AmountLabel => "Amount to pay with points (SAR)",
            UpTo => "up to",
            UsePoints => "Use points",
            ResendIn => "Resend code in",
            Resend => "Resend code",
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
            CodeExpired => "انتهت صلاحية الرمز. اطلب رمزاً جديداً.",
            CodeExpiresIn => "تنتهي صلاحية الرمز خلال",
            Balance => "رصيدك:",
            CodeLabel => "الرمز المكون من 4 أرقام",
            AmountLabel => "المبلغ المدفوع بالنقاط (ريال)",
            UpTo => "حتى",
            UsePoints => "استخدم النقاط",
            ResendIn => "إعادة الإرسال خلال",
            Resend => "إعادة إرسال الرمز",
            OtherNumber => "استخدم رقماً آخر",
            YouUsed => "النقاط المستخدمة:",
            Off => "خصم من طلبك",
            Undo => "تراجع",
        }
    }
}
