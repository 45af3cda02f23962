"""The discussion's demo: more residents (some without a chosen name), how many people support
each demo problem, and comments with replies — one reported, one hidden by the moderators.
Problems are named by their titles in challenge.participation.problems.demo_data, its residents
by their e-mail addresses (change them together)."""

from __future__ import annotations

# (e-mail, account name, display name or "" for none)
SUPPORTERS: tuple[tuple[str, str, str], ...] = (
    ("nachbar.lindenau@demo.leipzig.de", "Paul Winkler", "Paul aus Lindenau"),
    ("pendlerin.schoenefeld@demo.leipzig.de", "Sandra Kühn", "Sandra K."),
    ("rentner.moeckern@demo.leipzig.de", "Dieter Fuchs", ""),
    ("azubi.paunsdorf@demo.leipzig.de", "Lukas Brandt", "Lukas"),
    ("mutter.stoetteritz@demo.leipzig.de", "Julia Neumann", "Julia N."),
    ("student.suedvorstadt@demo.leipzig.de", "Ben Hartmann", ""),
)

# the problems part's demo residents who take part in the discussion too
RESIDENTS = (
    "anwohnerin.gohlis@demo.leipzig.de",
    "radfahrer.connewitz@demo.leipzig.de",
    "eltern.gruenau@demo.leipzig.de",
    "senior.reudnitz@demo.leipzig.de",
    "studentin.plagwitz@demo.leipzig.de",
)

# (problem title, author e-mail, days ago, text, replies: ((e-mail, days ago, text), ...))
COMMENTS: tuple = (
    (
        "Gefährliche Kreuzung für Radfahrende am Connewitzer Kreuz",
        "nachbar.lindenau@demo.leipzig.de",
        40,
        "Ich fahre hier jeden Morgen durch. Besonders **zwischen 7:30 und 8:15 Uhr** wird es eng.",
        (
            (
                "radfahrer.connewitz@demo.leipzig.de",
                39,
                "Genau diese Zeit meine ich. Zählungen der Stadt gibt es offenbar schon.",
            ),
            ("mutter.stoetteritz@demo.leipzig.de", 37, "Mit Kinderanhänger ist es noch schlimmer."),
        ),
    ),
    (
        "Schulwege im Winter schlecht beleuchtet",
        "mutter.stoetteritz@demo.leipzig.de",
        30,
        "An der Haltestelle Schönauer Ring sind seit Wochen zwei Lampen aus.",
        (("eltern.gruenau@demo.leipzig.de", 29, "Danke, ich nehme das in die Liste auf."),),
    ),
    (
        "Hitzeinseln in dicht bebauten Straßen",
        "student.suedvorstadt@demo.leipzig.de",
        25,
        "Messdaten gibt es teilweise schon: das Klimamessnetz der Universität.",
        (),
    ),
    (
        "Fahrradbügel am Bahnhof ständig überfüllt",
        "pendlerin.schoenefeld@demo.leipzig.de",
        20,
        "Eine Anzeige freier Plätze am Eingang würde viel Sucherei sparen.",
        (("azubi.paunsdorf@demo.leipzig.de", 19, "Und mehr überdachte Plätze, bitte!"),),
    ),
    (
        "Termine im Bürgeramt kaum zu bekommen",
        "rentner.moeckern@demo.leipzig.de",
        18,
        "Für Ältere ohne Internet ist die Terminvergabe besonders schwer.",
        (),
    ),
    (
        "Müll an Containerstandorten quillt über",
        "azubi.paunsdorf@demo.leipzig.de",
        15,
        "Füllstandssensoren in den Containern könnten die Abholung planen.",
        (),
    ),
    (
        "Spielplätze: Niemand weiß, was kaputt ist",
        "senior.reudnitz@demo.leipzig.de",
        12,
        "Eine einfache Meldeseite mit Fotos und Status würde schon helfen.",
        (),
    ),
)

# a comment the moderators hid, and one reported and still waiting
HIDDEN = (
    "Fahrradbügel am Bahnhof ständig überfüllt",
    "student.suedvorstadt@demo.leipzig.de",
    10,
    "Wer sein Rad da abstellt, ist selbst schuld. Totaler Unsinn, dieses Thema.",
    "Beleidigend gegenüber anderen Teilnehmenden",
)
REPORTED = (
    "Müll an Containerstandorten quillt über",
    "rentner.moeckern@demo.leipzig.de",
    8,
    "Das Problem sind die Leute aus dem Nachbarhaus, die werfen alles daneben.",
    "Beschuldigt Nachbarn pauschal",
)
