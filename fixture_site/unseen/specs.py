"""The six unseen sites: names, zones, render moments next to DST switches, CTA lines, quotes.

Render moments (``render_at``, UTC) sit a few hours after each site's newest article; edge times
are local wall times within hours of a DST switch (``fold=1`` picks the repeated hour's second
pass).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from fixture_site.unseen.model import Author, Cta, Section, SiteSpec


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


WP = SiteSpec(
    key="wp", name="Подільські вісті", theme="wordpress", zone_name="Europe/Kyiv",
    langs=("uk", "ru"), render_at=_utc(2025, 10, 27, 8, 20), stories=42, since=date(2025, 1, 8),
    edges=(("2025-10-26 00:40", 0), ("2025-10-26 03:30", 0), ("2025-10-26 03:45", 1),
           ("2025-10-26 05:10", 0), ("2025-03-30 02:50", 0), ("2025-03-30 04:15", 0)),
    recent=8, undated=3, news_hours=48, feed_items=10,
    sections=(Section("polityka", {"uk": "Політика", "ru": "Политика"}, "politics"),
              Section("ekonomika", {"uk": "Економіка", "ru": "Экономика"}, "economy"),
              Section("misto", {"uk": "Місто", "ru": "Город"}, "society"),
              Section("svit", {"uk": "Світ", "ru": "Мир"}, "world")),
    authors=(Author("Олена Гайдук", "Олена Гайдук — журналістка «Подільських вістей», пише про "
                    "міське господарство та транспорт.", "uk"),
             Author("Василь Сорока", "Василь Сорока — редактор відділу політики, працює в "
                    "журналістиці з 2009 року.", "uk"),
             Author("Ирина Белова", "Ирина Белова — корреспондент «Подольских вестей», пишет "
                    "об экономике и бизнесе.", "ru")),
    ctas=(Cta("uk", "Підписуйтесь на наш Telegram-канал, щоб першими дізнаватися головні новини "
              "Поділля.", "end", 0.8),
          Cta("uk", "Читайте нас у Google News — натисніть «Підписатися».", "first", 0.5),
          Cta("uk", "Підтримайте незалежну журналістику: кожен внесок допомагає нам працювати "
              "далі.", "middle", 0.4),
          Cta("ru", "Подписывайтесь на наш Telegram-канал, чтобы первыми узнавать главные "
              "новости Подолья.", "end", 0.8),
          Cta("ru", "Читайте нас в Google News — нажмите «Подписаться».", "first", 0.5)),
    quote={"uk": "«Ми не можемо відкладати рішення ще на рік, бо ціна зволікання для громади "
                 "занадто висока», — наголосив голова комісії Віктор Панасюк.",
           "ru": "«Мы не можем откладывать решение еще на год, потому что цена промедления для "
                 "громады слишком высока», — подчеркнул глава комиссии Виктор Панасюк."},
)

BITRIX = SiteSpec(
    key="bitrix", name="Новини Регіону", theme="bitrix", zone_name="Europe/Kyiv",
    langs=("uk", "ru"), render_at=_utc(2025, 3, 31, 8, 20), stories=26, since=date(2025, 1, 6),
    edges=(("2025-03-30 01:50", 0), ("2025-03-30 02:55", 0), ("2025-03-30 04:05", 0),
           ("2025-03-30 09:30", 0)),
    recent=8, just_now=True, undated=2, news_hours=None, feed_items=20,
    sections=(Section("politics", {"uk": "Політика", "ru": "Политика"}, "politics"),
              Section("economy", {"uk": "Економіка", "ru": "Экономика"}, "economy"),
              Section("society", {"uk": "Суспільство", "ru": "Общество"}, "society"),
              Section("world", {"uk": "Світ", "ru": "Мир"}, "world")),
    ctas=(Cta("uk", "Підписуйтесь на наш канал у Telegram — там усе найважливіше за день.",
              "end", 0.7),
          Cta("uk", "Новини Регіону у Viber: приєднуйтесь до нашої спільноти.", "middle", 0.45),
          Cta("ru", "Подписывайтесь на наш канал в Telegram — там все самое важное за день.",
              "end", 0.7),
          Cta("ru", "Новости Региона в Viber: присоединяйтесь к нашему сообществу.", "middle",
              0.45)),
    chrome_lines=("Передрук матеріалів дозволено лише з активним посиланням на «Новини Регіону».",
                  "Перепечатка материалов разрешена только с активной ссылкой на «Новости "
                  "Региона»."),
    quote={"uk": "«Ситуація складна, але керована: ми бачимо, де саме треба втрутитися вже "
                 "зараз», — сказав керівник управління Олег Дорошенко.",
           "ru": "«Ситуация сложная, но управляемая: мы видим, где именно нужно вмешаться уже "
                 "сейчас», — сказал руководитель управления Олег Дорошенко."},
)

DRUPAL = SiteSpec(
    key="drupal", name="Berliner Morgenblatt", theme="drupal", zone_name="Europe/Berlin",
    langs=("de",), render_at=_utc(2025, 10, 26, 15, 30), stories=40, since=date(2025, 1, 13),
    edges=(("2025-10-26 01:40", 0), ("2025-10-26 02:20", 0), ("2025-10-26 02:35", 1),
           ("2025-10-26 07:15", 0), ("2025-03-30 01:45", 0), ("2025-03-30 03:20", 0)),
    recent=7, undated=3, news_hours=48, feed_items=15,
    sections=(Section("politik", {"de": "Politik"}), Section("wirtschaft", {"de": "Wirtschaft"}),
              Section("berlin", {"de": "Berlin"}), Section("kultur", {"de": "Kultur"})),
    authors=(Author("Anja Reinholz", "Anja Reinholz ist Redakteurin im Ressort Politik und "
                    "berichtet seit 2016 aus dem Abgeordnetenhaus."),
             Author("Lukas Ehrlich", "Lukas Ehrlich schreibt über Wirtschaft, Verkehr und "
                    "Stadtentwicklung.")),
    ctas=(Cta("de", "Folgen Sie uns auch auf WhatsApp und bei Google News, um keine Nachricht "
              "zu verpassen.", "first", 0.45),
          Cta("de", "Sie möchten unabhängigen Lokaljournalismus unterstützen? Schließen Sie "
              "jetzt ein Digital-Abo ab.", "middle", 0.5),
          Cta("de", "Haben Sie Hinweise zu diesem Thema? Schreiben Sie uns an "
              "hinweise@morgenblatt.example.", "end", 0.6)),
    quote={"de": "„Wir können diese Entscheidung nicht noch ein Jahr vor uns herschieben“, "
                 "sagte die Ausschussvorsitzende Petra Lindqvist."},
)

LEDGER = SiteSpec(
    key="ledger", name="The Hudson Ledger", theme="newsroom", zone_name="America/New_York",
    langs=("en",), render_at=_utc(2025, 11, 3, 15, 30), stories=40, since=date(2025, 1, 20),
    edges=(("2025-11-02 00:45", 0), ("2025-11-02 01:30", 0), ("2025-11-02 01:20", 1),
           ("2025-11-02 08:10", 0), ("2025-03-09 01:40", 0), ("2025-03-09 03:15", 0)),
    recent=7, undated=2, news_hours=48, feed_items=20,
    sections=(Section("world", {"en": "World"}), Section("politics", {"en": "Politics"}),
              Section("nyregion", {"en": "New York"}), Section("business", {"en": "Business"})),
    authors=(Author("Nora Kessler", "Nora Kessler covers City Hall and state politics for The "
                    "Hudson Ledger."),
             Author("Sam Okonjo", "Sam Okonjo is a business reporter covering transportation "
                    "and labor.")),
    ctas=(Cta("en", "Sign up for The Ledger’s Morning Briefing to get the day’s top stories in "
              "your inbox.", "first", 0.55),
          Cta("en", "Have a news tip? Email tips@hudsonledger.example or call 212-555-0147.",
              "end", 0.7),
          Cta("en", "Support local journalism: subscribe to The Hudson Ledger for $1 a week.",
              "middle", 0.35)),
    quote={"en": "“We cannot afford to push this decision off for another year,” said Ruth "
                 "Abernathy, who chairs the oversight committee."},
)

WIRE = SiteSpec(
    key="wire", name="Meridian Wire", theme="wire", zone_name="UTC", langs=("en",),
    render_at=_utc(2025, 6, 15, 12, 0), stories=36, since=date(2025, 2, 1),
    recent=8, undated=2, news_hours=72, feed_items=25,
    sections=(Section("world", {"en": "World"}), Section("business", {"en": "Business"}),
              Section("markets", {"en": "Markets"}),
              Section("technology", {"en": "Technology"})),
    ctas=(Cta("en", "Sign up here for the Morning Bid newsletter.", "first", 0.5),
          Cta("en", "Our Standards: The Meridian Trust Principles.", "end", 0.9)),
    chrome_lines=("Get a look at the day ahead in world markets with the Morning Bid.",),
    quote={"en": "“The window for a negotiated outcome is narrowing, but it has not closed,” "
                 "a senior official told Meridian Wire on condition of anonymity."},
)

GHOST = SiteSpec(
    key="ghost", name="Шпрее Сегодня", theme="ghost", zone_name="Europe/Berlin", langs=("ru",),
    render_at=_utc(2025, 4, 1, 19, 0), stories=32, since=date(2025, 1, 2),
    edges=(("2025-03-30 01:30", 0), ("2025-03-30 03:30", 0), ("2025-03-29 23:40", 0)),
    recent=7, undated=2, news_hours=0, feed_items=15,
    sections=(Section("politika", {"ru": "Политика"}, "politics"),
              Section("ekonomika", {"ru": "Экономика"}, "economy"),
              Section("obshchestvo", {"ru": "Общество"}, "society"),
              Section("mir", {"ru": "Мир"}, "world")),
    authors=(Author("Мария Штерн", "Мария Штерн — редактор «Шпрее Сегодня», живет в Берлине с "
                    "2014 года."),
             Author("Алексей Ран", "Алексей Ран пишет о политике Германии и Евросоюза.")),
    ctas=(Cta("ru", "Подпишитесь на нашу рассылку, чтобы не пропустить главное.", "end", 0.75),
          Cta("ru", "Поддержите редакцию — мы существуем только на пожертвования читателей.",
              "middle", 0.5)),
    quote={"ru": "«Мы не просим невозможного — мы просим выполнить то, что уже обещано», — "
                 "сказала представительница инициативы Дарья Волкова."},
)

SPECS: dict[str, SiteSpec] = {s.key: s for s in (WP, BITRIX, DRUPAL, LEDGER, WIRE, GHOST)}
