import JSON
import Testing

@testable import IFEval

/// `change_case:*` and `language:response_language`, in both outcomes and both modes, and the language
/// identifier on ordinary text in many languages.
@Suite("IFEval case and language instructions")
struct IFEvalCaseLanguageTests {
    @Test("checks match the reference", arguments: Self.caseAndLanguage)
    func check(_ c: IFEvalCase) throws { try c.verify() }

    static let caseAndLanguage: [IFEvalCase] = [
        IFEvalCase(
            "change_case:capital_word_frequency", ["capital_frequency": 2, "capital_relation": "at least"],
            "This is VERY IMPORTANT.",
            strict: true, loose: true, "two capital words"),
        IFEvalCase(
            "change_case:capital_word_frequency", ["capital_frequency": 2, "capital_relation": "at least"],
            "This is Very important.",
            strict: false, loose: false, "none"),
        IFEvalCase(
            "change_case:capital_word_frequency", ["capital_frequency": 2, "capital_relation": "less than"],
            "OK HERE IT IS\nThe plan is simple.",
            strict: false, loose: true, "capitals only in the first line"),
        IFEvalCase(
            "change_case:capital_word_frequency", ["capital_frequency": 2, "capital_relation": "at least"],
            "I DON'T know.",
            strict: true, loose: true, "I, DO and N'T count"),
        IFEvalCase(
            "change_case:english_capital", [:],
            "THIS IS A SHORT NOTE TO REMIND EVERYONE THAT THE MEETING HAS BEEN MOVED TO THURSDAY AFTERNOON.",
            strict: true, loose: true, "all capitals, English"),
        IFEvalCase(
            "change_case:english_capital", [:],
            "The meeting starts at noon.",
            strict: false, loose: false, "lowercase letters"),
        IFEvalCase(
            "change_case:english_capital", [:],
            "Sure, here it is:\nTHIS IS A SHORT NOTE TO REMIND EVERYONE THAT THE MEETING HAS BEEN MOVED TO THURSDAY AFTERNOON.",
            strict: false, loose: true, "lowercase preamble"),
        IFEvalCase(
            "change_case:english_lowercase", [:],
            "the meeting starts at noon and it will be short.",
            strict: true, loose: true, "all lowercase, English"),
        IFEvalCase(
            "change_case:english_lowercase", [:],
            "the meeting starts at Noon.",
            strict: false, loose: false, "one capital"),
        IFEvalCase(
            "change_case:english_lowercase", [:],
            "Sure, Here It Is:\nthe meeting starts at noon and it will be short.",
            strict: false, loose: true, "capitalised preamble"),
        IFEvalCase(
            "language:response_language", ["language": "fr"],
            "Nous avons passé une semaine au bord de la mer et il a fait beau presque tous les jours.",
            strict: true, loose: true, "French"),
        IFEvalCase(
            "language:response_language", ["language": "fr"],
            "We spent a week by the sea and the weather was fine almost every day.",
            strict: false, loose: false, "English"),
        IFEvalCase(
            "language:response_language", ["language": "de"],
            "Here is the translation that you asked for, written in German exactly as you requested, and I hope that it is useful for you and your friends:\nWir sind gestern zum See gefahren.",
            strict: false, loose: true, "English preamble line"),
        IFEvalCase(
            "language:response_language", ["language": "hi"],
            "1234 5678 !!!",
            strict: true, loose: true, "no letters: counted as followed"),
    ]

    static let samples: [(String, String)] = [
        ("en", "If you want to learn a new language, you should practice a little every day and not be afraid of mistakes."),
        ("en", "THE REPORT IS DUE ON FRIDAY, SO PLEASE SEND ME YOUR NOTES BY WEDNESDAY."),
        ("es", "El tren salió tarde de la estación, pero llegamos a tiempo para ver el concierto con nuestros amigos."),
        ("fr", "Je ne sais pas encore si je pourrai venir à la fête, mais je vous tiendrai au courant demain."),
        ("fr", "C'EST UNE QUESTION DIFFICILE QUI MÉRITE QU'ON Y RÉFLÉCHISSE AVEC BEAUCOUP D'ATTENTION."),
        ("de", "Die Kinder spielen im Garten, während die Eltern in der Küche das Abendessen vorbereiten."),
        ("it", "La biblioteca della città è aperta tutti i giorni tranne la domenica e i giorni festivi."),
        ("pt", "Eu não sei se ele vai chegar a tempo, porque o trânsito está muito intenso nesta hora."),
        ("nl", "Ik weet niet of hij morgen kan komen, maar ik zal het hem vanavond nog vragen."),
        ("sv", "Jag vet inte om affären är öppen på söndag, men vi kan försöka gå dit ändå."),
        ("fi", "En tiedä, onko kauppa auki sunnuntaina, mutta voimme silti yrittää mennä sinne."),
        ("pl", "Nie wiem, czy sklep jest otwarty w niedzielę, ale możemy spróbować tam pójść."),
        ("cs", "Nevím, jestli je obchod v neděli otevřený, ale můžeme to zkusit."),
        ("ro", "Nu știu dacă magazinul este deschis duminică, dar putem încerca să mergem acolo."),
        ("hu", "Nem tudom, hogy a bolt nyitva van-e vasárnap, de megpróbálhatjuk."),
        ("tr", "Çocuklar bahçede oynarken anne ve babaları mutfakta akşam yemeği hazırlıyor."),
        ("vi", "Tôi không biết cửa hàng có mở cửa vào chủ nhật không, nhưng chúng ta có thể thử."),
        ("id", "Saya tidak tahu apakah toko itu buka pada hari Minggu, tetapi kita bisa mencoba."),
        ("sw", "Watoto wanacheza bustanini wakati wazazi wao wanapika chakula cha jioni jikoni."),
        ("tl", "Naglalaro ang mga bata sa hardin habang nagluluto ang kanilang mga magulang ng hapunan."),
        ("ru", "Дети играют в саду, пока родители готовят ужин на кухне."),
        ("uk", "Діти граються в саду, поки батьки готують вечерю на кухні."),
        ("bg", "Децата играят в градината, докато родителите приготвят вечерята в кухнята."),
        ("mk", "Децата си играат во градината додека родителите подготвуваат вечера во кујната."),
        ("ar", "يلعب الأطفال في الحديقة بينما يعد الوالدان العشاء في المطبخ."),
        ("fa", "بچه‌ها در باغ بازی می‌کنند در حالی که پدر و مادر شام را در آشپزخانه آماده می‌کنند."),
        ("ur", "بچے باغ میں کھیل رہے ہیں جبکہ والدین باورچی خانے میں رات کا کھانا بنا رہے ہیں۔"),
        ("hi", "बच्चे बगीचे में खेल रहे हैं जबकि माता-पिता रसोई में रात का खाना बना रहे हैं।"),
        ("mr", "मुले बागेत खेळत आहेत आणि आई-वडील स्वयंपाकघरात जेवण बनवत आहेत."),
        ("ne", "पसल आइतबार खुला छ कि छैन मलाई थाहा छैन, तर हामी प्रयास गर्न सक्छौं।"),
        ("bn", "গতকাল আমরা ট্রেনে করে শহরে গিয়েছিলাম এবং সারাদিন পুরনো বাজারে ঘুরেছি।"),
        ("ta", "நேற்று நாங்கள் ரயிலில் நகரத்துக்குச் சென்று நாள் முழுவதும் பழைய சந்தையில் சுற்றினோம்."),
        ("te", "నిన్న మేము రైలులో నగరానికి వెళ్లి రోజంతా పాత మార్కెట్లో తిరిగాము."),
        ("kn", "ನಿನ್ನೆ ನಾವು ರೈಲಿನಲ್ಲಿ ನಗರಕ್ಕೆ ಹೋಗಿ ದಿನವಿಡೀ ಹಳೆಯ ಮಾರುಕಟ್ಟೆಯಲ್ಲಿ ಸುತ್ತಾಡಿದೆವು."),
        ("ml", "ഇന്നലെ ഞങ്ങൾ ട്രെയിനിൽ നഗരത്തിലേക്ക് പോയി ദിവസം മുഴുവൻ പഴയ ചന്തയിൽ ചുറ്റിനടന്നു."),
        ("gu", "ગઈકાલે અમે ટ્રેનમાં શહેરમાં ગયા અને આખો દિવસ જૂના બજારમાં ફર્યા."),
        ("pa", "ਕੱਲ੍ਹ ਅਸੀਂ ਰੇਲ ਗੱਡੀ ਰਾਹੀਂ ਸ਼ਹਿਰ ਗਏ ਅਤੇ ਸਾਰਾ ਦਿਨ ਪੁਰਾਣੇ ਬਾਜ਼ਾਰ ਵਿੱਚ ਘੁੰਮਦੇ ਰਹੇ।"),
        ("th", "เมื่อวานเรานั่งรถไฟเข้าเมืองและเดินเที่ยวตลาดเก่าทั้งวัน"),
        ("ko", "어제 우리는 기차를 타고 시내에 가서 하루 종일 오래된 시장을 구경했다."),
        ("ja", "昨日、私たちは電車で町へ行き、一日中古い市場を見て回りました。"),
        ("zh", "昨天我们坐火车进城，在老市场里逛了一整天。"),
        ("el", "Χθες πήγαμε με το τρένο στην πόλη και περπατήσαμε όλη μέρα στην παλιά αγορά."),
        ("he", "אתמול נסענו ברכבת לעיר וטיילנו כל היום בשוק הישן."),
        ("hi", "यह एक छोटा उदाहरण है, जिसमें some English words भी हैं और बाकी सब हिंदी में लिखा गया है।"),
    ]

    @Test("language identification", arguments: Self.samples)
    func identifies(_ code: String, _ text: String) {
        #expect(IFEval.LanguageDetector.detect(text) == code)
    }

    @Test("text without letters has no language")
    func noLetters() {
        #expect(IFEval.LanguageDetector.detect("12345 !!! ---") == nil)
        #expect(IFEval.LanguageDetector.detect("") == nil)
    }

    @Test("requested codes are normalised")
    func codes() throws {
        #expect(IFEval.LanguageDetector.normalizedCode("zh-CN") == "zh")
        #expect(IFEval.LanguageDetector.normalizedCode("FR") == "fr")
        #expect(IFEval.LanguageDetector.normalizedCode("xx") == nil)
        let chinese = try IFEval.prepare(id: "language:response_language", kwargs: ["language": "zh-tw"])
        #expect(IFEval.check(chinese, response: "今天天气很好。", mode: .strict).followed)
    }
}
