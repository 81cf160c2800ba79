//! Mail in other languages and charsets: Russian, Chinese, Japanese, Korean, Czech,
//! German and French, as spam and as ham. Sentences written for this corpus.

use crate::draw::{Draw, Rng};
use crate::encode::Charset;

use super::draft::{Draft, List, Mailer, Route};
use super::ham::{THISTLE, push_para};
use super::words::{self, FREEMAIL, Filler, OWNER, OWNER_ALIASES, Person};

/// Which kind of non-English message to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    RuSpam,
    RuHam,
    ZhSpam,
    ZhTwSpam,
    ZhHam,
    JaSpam,
    JaHam,
    KoSpam,
    CsHam,
    CsSpam,
    DeHam,
    DeSpam,
    FrHam,
    FrSpam,
}

pub static PINGVIN: List = List {
    name: "pingvin",
    domain: "lists.pingvin.example.org",
    tag: "[pingvin]",
    title: "Russian-speaking Linux users",
    host: "mail.pingvin.example.org",
    ip: "203.0.113.17",
};

pub static QUILL_JA: List = List {
    name: "quill-ja",
    domain: "lists.quillmail.example.org",
    tag: "[quill-ja]",
    title: "Quill users (Japanese)",
    host: "mx.quillmail.example.org",
    ip: "198.51.100.23",
};

pub static ZH_LUG: List = List {
    name: "linux-zh",
    domain: "lists.fenlug.example.org",
    tag: "[linux-zh]",
    title: "Chinese-speaking Linux users",
    host: "bramble.fenlug.example.org",
    ip: "192.0.2.61",
};

struct Text {
    subjects: &'static [&'static str],
    hooks: &'static [&'static str],
    paras: &'static [&'static str],
    tails: &'static [&'static str],
}

const RU_SPAM: Text = Text {
    subjects: &[
        "Семинар для главных бухгалтеров",
        "Реклама по электронной почте: тысячи клиентов за один день",
        "Курсы английского языка со скидкой {pct}%",
        "Офисная мебель от производителя",
        "Приглашение на выставку оборудования",
    ],
    hooks: &["Уважаемые коллеги!", "Добрый день!", "Здравствуйте!"],
    paras: &[
        "Приглашаем вас принять участие в двухдневном семинаре, посвящённом изменениям в налоговом законодательстве.",
        "Занятия проводят опытные преподаватели-практики. По окончании выдаётся сертификат.",
        "Стоимость участия - {rub} рублей, включая обед и раздаточные материалы.",
        "Количество мест ограничено, поэтому просим заранее сообщить о своём участии.",
        "Мы разошлём ваше рекламное предложение по базе из {count} тысяч адресов предприятий.",
        "Первая рассылка - бесплатно!",
        "Только в этом месяце скидки до {pct}% на всю продукцию.",
        "Доставка по городу бесплатно при заказе от 5000 рублей.",
    ],
    tails: &[
        "Звоните по телефону {ru_phone} с 10 до 18 часов.",
        "Если вы получили это письмо по ошибке, просим извинить за беспокойство.",
        "Для отказа от рассылки ответьте на это письмо с темой \"удалить\".",
    ],
};

const RU_HAM: Text = Text {
    subjects: &[
        "Re: не работает звук после обновления ядра",
        "вопрос про настройку почты",
        "Re: русские шрифты в X",
    ],
    hooks: &["Привет всем!", "Привет!", "Добрый вечер."],
    paras: &[
        "После обновления ядра до {kernel} пропал звук на ноутбуке. Модуль загружается без ошибок, но ничего не слышно.",
        "Попробуй запустить alsamixer и проверить, не выключены ли каналы. После установки драйвера громкость обычно стоит на нуле.",
        "У меня была такая же проблема, помогла пересборка драйвера под новое ядро.",
        "Подскажите, как настроить почтовый клиент, чтобы письма в koi8-r отображались правильно?",
        "В настройках нужно указать кодировку по умолчанию, а шрифты поставить с кириллицей.",
        "Спасибо, помогло!",
    ],
    tails: &["С уважением, {ru_name}", "{ru_name}"],
};

const ZH_SPAM: Text = Text {
    subjects: &[
        "诚邀合作：外贸网站建设优惠",
        "低价供应各类办公用品",
        "电子邮件营销，让您的产品走向世界",
        "最新商务信息",
    ],
    hooks: &["尊敬的客户：您好！", "尊敬的负责人："],
    paras: &[
        "本公司专业从事网站设计与推广，已为数百家企业提供优质服务。",
        "现推出特惠套餐，仅需{yuan}元即可拥有自己的企业网站。",
        "我们可以帮您把产品信息发送到{count}万个电子邮件地址。",
        "价格优惠，质量保证，送货上门。",
        "欢迎来电洽谈！",
    ],
    tails: &[
        "详情请来电咨询：{cn_phone}",
        "如不希望再收到此类邮件，请回复“退订”。",
    ],
};

const ZH_TW_SPAM: Text = Text {
    subjects: &[
        "最新優惠：辦公室影印機租賃",
        "投資理財講座免費報名",
        "網路行銷，業績倍增",
    ],
    hooks: &["親愛的朋友您好：", "各位好："],
    paras: &[
        "本公司提供各類辦公設備租賃服務，月租只要{ntd}元起。",
        "免費講座名額有限，請儘速報名！",
        "讓您的產品透過網路，接觸數十萬潛在客戶。",
        "歡迎企業客戶來電洽詢。",
    ],
    tails: &["服務專線：{tw_phone}", "如欲取消訂閱，請回信告知，謝謝。"],
};

const ZH_HAM: Text = Text {
    subjects: &[
        "请问如何在 Linux 下显示中文？",
        "Re: 请问如何在 Linux 下显示中文？",
    ],
    hooks: &["大家好，", "你好，"],
    paras: &[
        "我刚装了 {os}，但是网页上的中文都显示成方块。请问需要安装什么字体？",
        "装一个中文字体包，再把语言环境设成 zh_CN.GB2312 就可以了。",
        "输入法可以先试试系统自带的，够用了。",
        "谢谢！问题已经解决了。",
    ],
    tails: &["{zh_name}"],
};

const JA_SPAM: Text = Text {
    subjects: &[
        "未承諾広告※ 副業で月収アップ！",
        "未承諾広告※ 格安パソコン販売のお知らせ",
        "未承諾広告※ 素敵な出会いを応援します",
    ],
    hooks: &["突然のメール失礼いたします。", "こんにちは。"],
    paras: &[
        "自宅で簡単にできるお仕事をご紹介しています。",
        "一日わずか一時間の作業で、毎月{yen}円以上の収入も可能です。",
        "詳しい資料を無料でお送りします。",
        "ご興味のある方は下記までご連絡ください。",
        "新品のパソコンを市価の半額でご提供いたします。",
    ],
    tails: &[
        "今後このようなメールが不要な方は、お手数ですが返信にてお知らせください。",
        "ご迷惑をおかけした場合は深くお詫び申し上げます。",
    ],
};

const JA_HAM: Text = Text {
    subjects: &[
        "日本語の件名が文字化けする",
        "Re: 日本語の件名が文字化けする",
    ],
    hooks: &["こんにちは。", "皆さん、こんにちは。"],
    paras: &[
        "Quill {quill_ver} を使っていますが、日本語の件名が文字化けしてしまいます。",
        "本文は正しく表示されるので、件名のデコードの問題だと思います。",
        "設定ファイルで既定の文字コードを変更したら直りました。",
        "ありがとうございました。助かりました。",
    ],
    tails: &["{ja_name}"],
};

const KO_SPAM: Text = Text {
    subjects: &[
        "(광고) 최고의 다이어트 제품을 소개합니다",
        "(광고) 무료 회원 가입 이벤트",
        "(광고) 저렴한 국제전화 서비스",
    ],
    hooks: &["안녕하십니까?", "안녕하세요!"],
    paras: &[
        "귀하의 메일 주소는 인터넷 검색을 통해 알게 되었습니다.",
        "본 메일은 관련 법률에 따라 제목에 (광고)를 표시하였습니다.",
        "지금 가입하시면 첫 달 이용료가 무료입니다.",
        "한 달 만에 {lbs}kg 감량! 부작용 없는 천연 성분입니다.",
        "국제전화를 최대 {pct}% 저렴하게 이용하세요.",
    ],
    tails: &[
        "수신을 원하지 않으시면 수신 거부라고 답장해 주십시오.",
        "감사합니다.",
    ],
};

const CS_HAM: Text = Text {
    subjects: &["Fotky z výletu", "Re: Návštěva v září", "Zítřejší schůzka"],
    hooks: &["Ahoj Kite,", "Čau Kite,"],
    paras: &[
        "posílám slíbené fotky z výletu na hory.",
        "Počasí nám přálo, jen v neděli trochu pršelo.",
        "Kdy se zase uvidíme? Příští týden jsem v Brně.",
        "Díky za pomoc s tím počítačem, už všechno funguje.",
        "Pozdravuj doma.",
    ],
    tails: &["Měj se hezky, {cs_name}", "{cs_name}"],
};

const CS_SPAM: Text = Text {
    subjects: &[
        "Levné půjčky bez ručitele",
        "Výhodná nabídka pro vaši firmu",
    ],
    hooks: &["Dobrý den,", "Vážení přátelé,"],
    paras: &[
        "Potřebujete rychle peníze? Půjčíme vám až {czk} Kč bez ručitele a bez poplatků předem.",
        "Vyřízení do 24 hodin, peníze na účtu ještě tentýž týden.",
        "Volejte zdarma na číslo {cz_phone}.",
    ],
    tails: &["Pokud si nepřejete dostávat tyto zprávy, odpovězte s předmětem ODHLÁSIT."],
};

const DE_HAM: Text = Text {
    subjects: &[
        "Treffen nächste Woche",
        "Re: Übersetzung der Dokumentation",
        "Grüße aus {city}",
    ],
    hooks: &["Hallo Kit,", "Lieber Kit,"],
    paras: &[
        "ich hätte nächste Woche am Dienstag oder Donnerstag Zeit für ein kurzes Treffen.",
        "Die Übersetzung der Dokumentation ist fast fertig; es fehlen nur noch zwei Kapitel.",
        "Könntest du bitte die Änderungen im CVS prüfen, bevor wir die Version veröffentlichen?",
        "Das Wetter hier ist übrigens großartig, ich schicke dir später ein paar Bilder.",
    ],
    tails: &["Viele Grüße\n{de_name}", "Bis bald,\n{de_name}"],
};

const DE_SPAM: Text = Text {
    subjects: &[
        "Sofortkredit bis {eur} Euro",
        "Ihr persönliches Angebot",
        "Gewinnen Sie jetzt!",
    ],
    hooks: &["Sehr geehrte Damen und Herren,", "Hallo!"],
    paras: &[
        "Sie brauchen Geld? Wir vermitteln Kredite bis {eur} Euro, schnell, diskret und unbürokratisch.",
        "Auch bei negativer Auskunft und für Selbständige.",
        "Jetzt gratis und unverbindlich ein Angebot anfordern!",
    ],
    tails: &[
        "Sie erhalten diese E-Mail, weil Sie sich für unseren Newsletter angemeldet haben. Abmelden: Antwort mit dem Betreff ABMELDEN.",
    ],
};

const FR_HAM: Text = Text {
    subjects: &[
        "faux positifs depuis la mise à jour",
        "Re: faux positifs depuis la mise à jour",
    ],
    hooks: &["Bonjour à tous,", "Bonjour,"],
    paras: &[
        "J’ai installé la version {thistle_ver} et depuis, certains messages légitimes sont classés comme spam.",
        "Il s’agit surtout de lettres d’information en HTML, avec beaucoup d’images.",
        "Quelqu’un a-t-il constaté le même problème ?",
        "Je peux envoyer des exemples en privé si cela aide.",
    ],
    tails: &["Merci d’avance,\n{fr_name}", "Cordialement,\n{fr_name}"],
};

const FR_SPAM: Text = Text {
    subjects: &[
        "Gagnez de l’argent depuis chez vous",
        "Offre spéciale : –{pct} % sur tout le site",
    ],
    hooks: &["Bonjour,", "Cher ami,"],
    paras: &[
        "Découvrez notre méthode simple pour gagner jusqu’à {eur} € par mois sans quitter votre domicile.",
        "Aucune expérience n’est nécessaire : tout est expliqué pas à pas.",
        "Profitez dès aujourd’hui de notre offre « spécial rentrée » !",
    ],
    tails: &["Pour ne plus recevoir nos offres, répondez avec « désinscription »."],
};

/// A message in `lang`, to be written in `charset`.
pub fn draft(rng: &mut Rng, lang: Lang, charset: Charset, period: u8) -> Draft {
    let (text, spam, list): (&Text, bool, Option<&'static List>) = match lang {
        Lang::RuSpam => (&RU_SPAM, true, None),
        Lang::RuHam => (&RU_HAM, false, Some(&PINGVIN)),
        Lang::ZhSpam => (&ZH_SPAM, true, None),
        Lang::ZhTwSpam => (&ZH_TW_SPAM, true, None),
        Lang::ZhHam => (&ZH_HAM, false, Some(&ZH_LUG)),
        Lang::JaSpam => (&JA_SPAM, true, None),
        Lang::JaHam => (&JA_HAM, false, Some(&QUILL_JA)),
        Lang::KoSpam => (&KO_SPAM, true, None),
        Lang::CsHam => (&CS_HAM, false, None),
        Lang::CsSpam => (&CS_SPAM, true, None),
        Lang::DeHam => (&DE_HAM, false, None),
        Lang::DeSpam => (&DE_SPAM, true, None),
        Lang::FrHam => (&FR_HAM, false, Some(&THISTLE)),
        Lang::FrSpam => (&FR_SPAM, true, None),
    };
    let mut f = Filler::new(rng, period);
    let subject = f.one(text.subjects);
    let hook = f.one(text.hooks);
    let n = f.rng.range(2, text.paras.len().min(4) as i64) as usize;
    let paras = f.some(text.paras, n);
    let tail_n = text.tails.len().min(if spam { 2 } else { 1 });
    let tails = f.some(text.tails, tail_n);
    let cjk = matches!(
        lang,
        Lang::ZhSpam | Lang::ZhTwSpam | Lang::ZhHam | Lang::JaSpam | Lang::JaHam | Lang::KoSpam
    );
    let mut body = String::new();
    body.push_str(&hook);
    body.push_str("\n\n");
    for p in paras.iter().chain(tails.iter()) {
        if cjk {
            // CJK text does not wrap on spaces; keep one sentence per line.
            body.push_str(p);
            body.push_str("\n\n");
        } else if p.contains('\n') {
            body.push_str(p);
            body.push_str("\n\n");
        } else {
            push_para(&mut body, p);
        }
    }
    let sender_name = match lang {
        Lang::RuHam => f.get("ru_name"),
        Lang::ZhHam => f.get("zh_name"),
        Lang::JaHam => f.get("ja_name"),
        Lang::CsHam => f.get("cs_name"),
        Lang::DeHam => f.get("de_name"),
        Lang::FrHam => f.get("fr_name"),
        _ => String::new(),
    };
    if let Some(list) = list {
        body.push_str(&list.footer());
    }
    let mut html = None;
    if spam && f.rng.percent(45) {
        let mut h = String::from(
            "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html\">\n</head>\n<body>\n",
        );
        h.push_str(&format!(
            "<p><font size=\"4\" color=\"#cc0000\"><b>{}</b></font></p>\n",
            crate::encode::html_escape(&hook)
        ));
        for p in paras.iter().chain(tails.iter()) {
            h.push_str(&format!("<p>{}</p>\n", crate::encode::html_escape(p)));
        }
        h.push_str("</body>\n</html>\n");
        html = Some(h);
    }
    let rng = f.rng;
    let from = if spam {
        let len = rng.range(5, 9) as usize;
        let local = rng.chars("abcdefghijklmnopqrstuvwxyz0123456789", len);
        Person::new(String::new(), format!("{local}@{}", rng.pick(FREEMAIL)))
    } else {
        let p = words::person(rng);
        let addr = p.addr;
        Person::new(sender_name, addr)
    };
    let to = match list {
        Some(l) => l.address(),
        None if spam => rng.pick(OWNER_ALIASES).to_string(),
        None => OWNER.to_string(),
    };
    let subject = match list {
        Some(l) if !subject.starts_with("Re:") => format!("{} {subject}", l.tag),
        Some(l) => format!("Re: {} {}", l.tag, subject.trim_start_matches("Re: ")),
        None => subject,
    };
    let mailer = if spam {
        if rng.percent(50) {
            Mailer::blaster(rng)
        } else {
            Mailer::Anonymous
        }
    } else {
        Mailer::personal(rng)
    };
    let mut d = Draft::new(subject, from, to, body, mailer);
    d.charset = charset;
    d.html = html;
    d.list = list;
    d.reply = d.subject.starts_with("Re:");
    d.route = match (spam, list) {
        (true, _) => Route::Spam,
        (false, Some(_)) => Route::List,
        (false, None) => Route::Direct,
    };
    d.html_bias = if spam { 45 } else { 0 };
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::encode_text;

    #[test]
    fn every_language_encodes_in_its_charsets() {
        let cases = [
            (Lang::RuSpam, Charset::Koi8R),
            (Lang::RuSpam, Charset::Windows1251),
            (Lang::RuHam, Charset::Koi8R),
            (Lang::ZhSpam, Charset::Gb2312),
            (Lang::ZhTwSpam, Charset::Big5),
            (Lang::ZhHam, Charset::Gb2312),
            (Lang::JaSpam, Charset::Iso2022Jp),
            (Lang::JaSpam, Charset::ShiftJis),
            (Lang::JaHam, Charset::Iso2022Jp),
            (Lang::KoSpam, Charset::EucKr),
            (Lang::CsHam, Charset::Latin2),
            (Lang::CsSpam, Charset::Latin2),
            (Lang::DeHam, Charset::Latin1),
            (Lang::DeSpam, Charset::Latin1),
            (Lang::FrHam, Charset::Windows1252),
            (Lang::FrSpam, Charset::Windows1252),
        ];
        for seed in 0..40 {
            for (lang, cs) in cases {
                let mut rng = Rng::new(seed);
                let d = draft(&mut rng, lang, cs, 1 + (seed % 2) as u8);
                encode_text(&d.text, cs).unwrap();
                encode_text(&d.subject, cs).unwrap();
                encode_text(&d.from.name, cs).unwrap();
                if let Some(h) = &d.html {
                    encode_text(h, cs).unwrap();
                }
            }
        }
    }
}
