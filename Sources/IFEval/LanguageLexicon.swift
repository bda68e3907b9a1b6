extension IFEval {
    /// Hand-written evidence for ``LanguageDetector``: very frequent function words per language, and
    /// letters typical of a language. The lists are short on purpose; they only need to separate the
    /// languages that share a script.
    enum LanguageLexicon {
        /// Languages scored by words, grouped by script family; the first of each group is its default.
        static let latin = ["en", "es", "fr", "de", "it", "pt", "nl", "sv", "fi", "da", "no", "pl", "cs", "ro",
                            "hu", "tr", "vi", "id", "sw", "tl"]
        static let cyrillic = ["ru", "uk", "bg", "mk"]
        static let arabic = ["ar", "fa", "ur"]
        static let devanagari = ["hi", "mr", "ne"]
        static let all = latin + cyrillic + arabic + devanagari

        static let words: [String: String] = [
            "en": """
                the a i of and to in is that it for you with on as are was be this have not they at by from or but an \
                his her their which we will would can there what all were has been if more so about when one who \
                also do does its than them these some could should into how our your my he she may just like only \
                other such over very because those then 's n't 're 'll 've i'm
                """,
            "es": """
                el la los las de del que y en un una es por para con no se lo su sus al como más pero este esta \
                esto estos estas muy también son está están hay ser fue ha han puede entre cuando sobre sin todo \
                todos porque desde nos yo tú usted ella ellos le les mi qué cómo donde ya ni hasta otro otra cada \
                mismo así bien
                """,
            "fr": """
                le la les de des du un une et est en que qui dans pour pas sur au aux avec ce cette ces il elle \
                ils elles nous vous je tu on son sa ses leur leurs mais ou où plus être avoir été sont fait peut \
                comme très aussi tout tous toute bien sans entre par ne se lui à ça c'est qu' l' d' j' n' s' c' m' \
                quand alors donc encore déjà même autre
                """,
            "de": """
                der die das und ist nicht ein eine einen einem einer den dem des zu mit sich auf für von auch es \
                im sie wir ich du er aber oder wenn wie noch nur sind war wird werden kann hat haben bei aus nach \
                über um dass diese dieser dieses sein seine ihre mehr sehr schon man kein keine vom zum zur durch \
                gegen ohne unter zwischen immer wieder dann doch also hier jetzt alle viele wurde wurden können
                """,
            "it": """
                il lo la gli le di del della dei delle degli e è che non un una uno per con in da su si sono come \
                più ma anche questo questa quello quella molto essere ha hanno al alla allo ai alle nel nella nei \
                sul sulla ci mi ti io tu lui lei noi voi loro cosa perché quando dove se tutto tutti già ancora \
                sempre dopo l' dell' nell' all' un'
                """,
            "pt": """
                o a os as de do da dos das e em no na nos nas um uma é que para com por não mais mas muito está \
                são ao aos pelo pela isso esse essa este esta você eu ele ela nós seu sua seus suas foi ser ter \
                tem há já também como quando onde porque sobre entre até depois sem mesmo cada outro outra às
                """,
            "nl": """
                de het een en van is dat die in op te met voor zijn niet aan er maar om ook als dan bij of wat nog \
                naar kan uit worden wordt deze dit ze zich hij wij we jij je u hebben heeft was werd door over tot \
                veel meer geen zo al waar hoe wel omdat zoals moet kunnen
                """,
            "sv": """
                och att det som en på är av för med till den har de inte om ett men var sig så jag du han hon vi \
                ni kan vara ska skulle från eller när man även också här där vad hur mycket efter under alla denna \
                detta dessa sin sitt sina blir blev inom utan mellan bara många sedan redan
                """,
            "da": """
                og at det er en til af på for med den de som har ikke et jeg du han hun vi kan vil skal var være \
                fra men om så eller når også her der hvad hvordan meget efter alle denne dette disse sig sin sit \
                sine bliver blev nogle mig dig hvor hvis havde kunne mange nu ud op hos \
                ved noget nogen gennem sådan uden mellem end hendes igen tog gik fik
            """,
            "no": """
                og at det er en til av på for med den de som har ikke et jeg du han hun vi kan vil skal var være \
                fra men om så eller når også her der hva hvordan mye etter alle denne dette disse seg sin sitt sine \
                blir ble noen meg deg hvor hvis hadde kunne mange nå ut opp hos ikkje \
                å vet noe gjennom veldig sånn uten mellom enn hennes igjen tok gikk fikk
            """,
            "fi": """
                ja on ei että oli hän mutta kun tai niin myös kuin ovat olla joka jotka sen tämä tämän nämä mitä \
                mikä minä sinä jos vain jo sitä siitä ole olen olet voi kanssa sekä koska vielä hyvin paljon \
                kaikki eli sitten nyt missä miten tässä siinä niiden hänen olisi ollut aina
                """,
            "pl": """
                w z na się nie to że do jest o jak ale co od po za tak są by być już dla przez jego jej ich ten ta \
                te tym tego który która które może tylko bardzo jednak oraz lub czy gdy także również ja ty ona \
                my wy oni mnie było był była można jeszcze jako tej też gdzie kiedy
                """,
            "cs": """
                a je se v na že to s z o do jsou jako ale by pro tak jsem jeho jejich který která které když také \
                jen už ještě nebo podle mezi při bylo byl byla být tento tato toto není velmi může však jak co po \
                od za k ve ze jsme jste aby protože
                """,
            "ro": """
                și şi de la în a cu pe care este nu un o să se din pentru sunt mai ce că au al ale lui fi fost dar \
                sau ca dacă cum când foarte această acest aceste prin după despre între noi voi ei ele eu tu el ea \
                își le ne poate fiind acum doar
                """,
            "hu": """
                a az és hogy nem is egy van meg de ez azt csak már még mint vagy ha volt lesz kell el fel ki be le \
                én te ő mi ti ők nagyon ami aki amely amit mert majd sok minden ezt ezek azok után között alatt \
                szerint vagyok vannak lehet
                """,
            "tr": """
                ve bir bu da de için ile çok ne daha gibi olarak ama en o ben sen biz siz onlar var yok değil mi \
                mı mu mü ki şey kadar sonra önce her olan oldu olduğu ise veya ya göre nasıl neden şu bunu onun \
                bunun ancak bile
                """,
            "vi": """
                và của là có không được các những một trong cho với người này đã để khi từ như cũng về đến thì sẽ \
                tôi bạn chúng họ rất nhiều nhưng hay hoặc vì nếu đó ra lại làm nó ở theo
                """,
            "id": """
                yang dan di ini itu dengan untuk dari dalam tidak akan pada ke juga ada adalah atau saya kami kita \
                mereka anda dia bisa dapat telah sudah oleh sebagai karena tetapi lebih seperti jika hanya banyak \
                para bahwa harus sangat satu kepada tersebut secara agar masih belum
                """,
            "sw": """
                na ya wa kwa ni katika la za cha vya kuwa hii hiyo huo hilo lakini au pia sana kama yake wake zake \
                yao wao mimi wewe sisi ninyi yeye baada kabla kuna hakuna ambayo ambao ambapo nini gani wakati \
                kila moja mtu watu kutoka zaidi hivyo tu bado si kisha
                """,
            "tl": """
                ang ng mga sa na ay at ko mo siya ako ikaw kami tayo sila niya nila namin natin ito iyon iyan \
                hindi para kung pero din rin lang lamang po ba naman may mayroon wala kay ni nang ano bakit paano \
                kanyang kanilang upang dahil kaya isang
                """,
            "ru": """
                что это как был была было были его она они мы вы я так уже если который которые также только быть \
                есть может всё все или для при из у же бы вот нет да очень этот эта эти свой своей когда где чтобы \
                и в на не с по за от до к о пока весь день ещё нам вам их можно нужно сейчас потом тогда здесь там тоже даже просто чем
            """,
            "uk": """
                що це як був була було були його вона вони ми ви я і й та але також тільки бути є може для при з із \
                від до на у в не або які який яка цей ця ці свій коли де щоб дуже вже \
                за по ще їх можна потрібно зараз потім тоді тут там теж навіть просто ніж
            """,
            "bg": """
                че това как беше бяха е са съм си сме сте той тя те ние вие аз и но също само може за при от до на \
                в с със във към или които който която ще да не ли много този тази тези когато където \
                се по докато още нас вас тях сега после тогава тук там също дори просто
            """,
            "mk": """
                дека ова како беше е се сум си тој таа тие ние вие јас и но исто само може за при од до на во со кон \
                или кои кој која ќе да не ли многу овој оваа овие кога каде \
                по додека уште нас вас нив сега потоа тогаш тука таму исто дури
            """,
            "ar": """
                في من على إلى أن هذا هذه التي الذي ما لا عن مع كان قد و هو هي كل بين أو ثم لم لن إن ذلك كما بعد قبل \
                عند حتى
                """,
            "fa": """
                است این که را با از به در می و برای یک آن شود هم تا های بود کرد شده دارد نیز اما یا کند باید خود
                """,
            "ur": """
                ہے کے میں کی اور سے کا کو ہیں یہ نہیں پر بھی ایک تھا گیا کہ جو اس وہ ہو کر
                """,
            "hi": """
                है के में की और से का को हैं यह नहीं पर भी एक था गया कि जो इस वह हो कर लिए ने तो तक साथ
                """,
            "mr": """
                आहे आणि या हे ते की मध्ये च्या होते आहेत नाही व हा ही आम्ही तुम्ही त्या त्याचे करून झाले असे
                """,
            "ne": """
                छ र को मा हो छन् गर्न पनि यो भएको थियो हुन्छ गरेको लागि तथा उनी हामी तपाईं यस त्यो
                """,
        ]

        /// Word endings (lowercase) that point to a language; each matching word adds half a point.
    static let endings: [String: String] = [
        "ru": "ого его ый ые ыми ться ется ает ают",
        "uk": "ння ість ити ати ують ього",
        "bg": "ата ята ът ят ото ите ване",
        "mk": "ата ите ост ење",
    ]

    /// Letters (lowercase) that point to languages, with a weight per language.
        static let letters: [(String, [(String, Double)])] = [
            ("ñ", [("es", 1)]), ("¿¡", [("es", 1)]),
            ("ãõ", [("pt", 1)]),
            ("ß", [("de", 1)]),
            ("å", [("sv", 0.5), ("da", 0.5), ("no", 0.5)]),
            ("øæ", [("da", 1), ("no", 1)]),
            ("łąęśźżń", [("pl", 1)]),
            ("řěů", [("cs", 1)]),
            ("șțţ", [("ro", 1)]), ("ă", [("ro", 0.5), ("vi", 0.5)]), ("ş", [("ro", 0.5), ("tr", 0.5)]),
            ("őű", [("hu", 1)]),
            ("ğı", [("tr", 1)]),
            ("ç", [("fr", 0.3), ("pt", 0.3), ("tr", 0.3)]),
            ("œ", [("fr", 1)]),
            ("ơưđ", [("vi", 1)]),
            ("éè", [("fr", 0.2), ("it", 0.2)]), ("é", [("es", 0.1), ("pt", 0.1), ("hu", 0.1), ("cs", 0.1)]),
            ("àùî", [("fr", 0.2)]), ("àìòù", [("it", 0.2)]), ("âêô", [("fr", 0.2), ("pt", 0.2)]),
            ("ëï", [("nl", 0.2), ("fr", 0.2)]), ("û", [("fr", 0.2)]),
            ("äö", [("de", 0.2), ("fi", 0.3), ("sv", 0.2)]), ("ü", [("de", 0.2), ("tr", 0.2), ("hu", 0.2)]),
            ("áíóú", [("es", 0.1), ("pt", 0.1), ("hu", 0.1), ("cs", 0.1)]),
            ("ýčšž", [("cs", 0.3)]), ("îâ", [("ro", 0.2)]),
            // Cyrillic
            ("іїєґ", [("uk", 1)]), ("ыэё", [("ru", 1)]), ("ъ", [("bg", 1), ("ru", 0.1)]),
            ("ѓќѕјљњџ", [("mk", 1)]),
            // Arabic script
            ("يكةى", [("ar", 0.5)]), ("یکپچژگ", [("fa", 0.3), ("ur", 0.3)]), ("ےںٹڈڑہھ", [("ur", 1)]),
            // Devanagari
            ("ळ", [("mr", 1)]),
        ]
    }
}
