"""The demo's residents and their problems. Other parts of participation look the problems up by
title (supports, comments, the link to this year's challenge, the people's prize), so the titles
are stable: change one only together with those parts."""

from __future__ import annotations

# (e-mail, account name, display name)
RESIDENTS: tuple[tuple[str, str, str], ...] = (
    ("anwohnerin.gohlis@demo.leipzig.de", "Marie Schubert", "Marie aus Gohlis"),
    ("radfahrer.connewitz@demo.leipzig.de", "Jonas Berger", "Jonas B."),
    ("eltern.gruenau@demo.leipzig.de", "Katrin Sommer", "Katrin (Elternrat Grünau)"),
    ("senior.reudnitz@demo.leipzig.de", "Horst Lehmann", "Horst L."),
    ("studentin.plagwitz@demo.leipzig.de", "Aylin Demir", "Aylin"),
)

# (resident index, title, district, topic, status, days since proposed, description, reason)
PROBLEMS: tuple[tuple[int, str, str, str, str, int, str, str], ...] = (
    (
        0,
        "Freie Parkplätze für Lieferverkehr sind nie zu finden",
        "nord",
        "mobility",
        "published",
        60,
        "In der Georg-Schumann-Straße halten Lieferwagen in zweiter Reihe, weil die "
        "Ladezonen belegt sind. Busse und Radfahrende müssen ausweichen. Eine Anzeige, "
        "welche Ladezone gerade frei ist, würde viel Stress ersparen.",
        "",
    ),
    (
        1,
        "Gefährliche Kreuzung für Radfahrende am Connewitzer Kreuz",
        "sued",
        "mobility",
        "published",
        55,
        "Morgens kreuzen hier Straßenbahn, Autos und hunderte Räder. Es gibt fast täglich "
        "Beinahe-Unfälle. Wir wünschen uns Daten darüber, wann es besonders eng wird, und "
        "eine Lösung, die Radfahrende früher warnt.",
        "",
    ),
    (
        2,
        "Schulwege im Winter schlecht beleuchtet",
        "west",
        "safety",
        "published",
        50,
        "Zwischen Stuttgarter Allee und den Schulen ist es im Winter morgens noch dunkel. "
        "Viele Lampen sind kaputt oder zu schwach. Eltern wissen nicht, wo sie Mängel "
        "melden sollen, und sehen nicht, ob etwas passiert.",
        "",
    ),
    (
        3,
        "Zu wenige Sitzbänke auf dem Weg zum Einkaufen",
        "ost",
        "social",
        "published",
        48,
        "Für ältere Menschen ist der Weg zum Supermarkt in Reudnitz ohne Pause kaum zu "
        "schaffen. Man weiß nicht, wo Bänke stehen und ob sie im Schatten liegen.",
        "",
    ),
    (
        4,
        "Leerstehende Erdgeschosse in Plagwitz besser nutzen",
        "suedwest",
        "housing",
        "published",
        45,
        "Viele Ladenlokale stehen monatelang leer. Kreative, Vereine und Initiativen suchen "
        "gleichzeitig Räume für kurze Zeit. Es fehlt ein Überblick, was frei ist und wem es "
        "gehört.",
        "",
    ),
    (
        0,
        "Hitzeinseln in dicht bebauten Straßen",
        "mitte",
        "environment",
        "published",
        40,
        "Im Sommer wird es in manchen Straßen unerträglich heiß, besonders für Kinder und "
        "Ältere. Wo fehlen Bäume, wo wären Trinkbrunnen oder kühle Orte nötig? Messdaten "
        "aus den Vierteln würden helfen, richtig zu planen.",
        "",
    ),
    (
        1,
        "Fahrradbügel am Bahnhof ständig überfüllt",
        "mitte",
        "mobility",
        "published",
        38,
        "Am Hauptbahnhof und an den S-Bahn-Stationen ist kein Bügel frei, Schrotträder "
        "blockieren Plätze monatelang. Eine Übersicht über freie Stellplätze und ein "
        "einfacher Weg, Schrotträder zu melden, fehlen.",
        "",
    ),
    (
        2,
        "Kita-Platz-Suche ist ein Vollzeitjob",
        "citywide",
        "education",
        "published",
        35,
        "Eltern schreiben Dutzende Kitas an und wissen nie, wo sie auf einer Warteliste "
        "stehen. Eine gemeinsame, transparente Übersicht über freie Plätze würde Familien "
        "enorm entlasten.",
        "",
    ),
    (
        3,
        "Termine im Bürgeramt kaum zu bekommen",
        "citywide",
        "administration",
        "published",
        33,
        "Für einen neuen Ausweis wartet man Wochen auf einen Termin, abgesagte Termine "
        "werden nicht neu vergeben. Eine Warteliste, die freie Termine automatisch "
        "anbietet, wäre eine große Hilfe.",
        "",
    ),
    (
        4,
        "Müll an Containerstandorten quillt über",
        "alt-west",
        "environment",
        "published",
        30,
        "An vielen Glas- und Papiercontainern stapelt sich am Wochenende der Müll. Wenn die "
        "Container melden könnten, dass sie voll sind, ließe sich die Leerung besser planen.",
        "",
    ),
    (
        0,
        "Barrierefreie Wege zu Haltestellen schwer zu finden",
        "nordost",
        "mobility",
        "published",
        28,
        "Mit Rollator oder Kinderwagen weiß man nicht, welche Haltestelle einen Aufzug hat "
        "und ob er gerade funktioniert. Aktuelle Informationen dazu fehlen.",
        "",
    ),
    (
        1,
        "Lärm durch Lieferverkehr in der Nacht",
        "suedost",
        "health",
        "published",
        25,
        "Nachts fahren Lieferwagen zu den Märkten und halten mit laufendem Motor. Anwohnende "
        "schlafen schlecht. Wir möchten wissen, wie laut es wirklich ist, und gemeinsam "
        "Lösungen finden.",
        "",
    ),
    (
        2,
        "Spielplätze: Niemand weiß, was kaputt ist",
        "west",
        "social",
        "published",
        22,
        "Defekte Geräte bleiben lange gesperrt. Eltern melden Schäden doppelt oder gar nicht. "
        "Ein einfacher Weg zu melden und zu sehen, wann repariert wird, fehlt.",
        "",
    ),
    (
        3,
        "Wasserstand der Stadtbäume im Sommer unbekannt",
        "nordwest",
        "environment",
        "published",
        20,
        "Viele Menschen würden Straßenbäume gießen, wissen aber nicht, welcher Baum Wasser "
        "braucht. Sensoren im Boden oder eine Gießkarte könnten Ehrenamtliche anleiten.",
        "",
    ),
    (
        4,
        "Energieverbrauch öffentlicher Gebäude sichtbar machen",
        "citywide",
        "energy",
        "published",
        18,
        "Schulen, Turnhallen und Ämter heizen oft auch am Wochenende. Wenn der Verbrauch "
        "offen einsehbar wäre, könnten Hausmeister und Nutzende gezielt sparen.",
        "",
    ),
    (
        0,
        "Carsharing-Stationen fehlen am Stadtrand",
        "nord",
        "mobility",
        "published",
        15,
        "In Wiederitzsch und Seehausen gibt es kaum Alternativen zum eigenen Auto. Wo würden "
        "Stationen am meisten genutzt? Dafür bräuchte es Daten über Wege im Stadtteil.",
        "",
    ),
    (
        1,
        "Veranstaltungen im Viertel nirgends gebündelt",
        "sued",
        "culture",
        "published",
        12,
        "Ob Flohmarkt, Konzert im Hinterhof oder Nachbarschaftsfest: Man erfährt davon zu "
        "spät. Ein gemeinsamer Kalender für das Viertel würde Menschen zusammenbringen.",
        "",
    ),
    (
        2,
        "Überfüllte Straßenbahnen zu Schulbeginn",
        "west",
        "mobility",
        "pending",
        3,
        "Morgens um halb acht sind die Bahnen nach Grünau so voll, dass Kinder "
        "zurückbleiben. Zusätzliche Fahrten oder versetzte Schulanfangszeiten könnten helfen.",
        "",
    ),
    (
        3,
        "Öffentliche Toiletten in der Innenstadt",
        "mitte",
        "health",
        "pending",
        2,
        "Gerade für Ältere und Familien fehlt eine Übersicht, wo es saubere, barrierefreie "
        "Toiletten gibt und wann sie geöffnet sind.",
        "",
    ),
    (
        4,
        "Mein Nachbar parkt immer vor meiner Einfahrt",
        "suedwest",
        "other",
        "declined",
        8,
        "Seit Wochen steht derselbe Wagen vor meiner Einfahrt, ich komme kaum heraus. Die "
        "Stadt sollte da endlich etwas tun.",
        "Danke für Ihre Nachricht. Falschparken ist ein Einzelfall für das Ordnungsamt "
        "(Telefon 115) und keine Aufgabe für eine Challenge; wir haben es deshalb nicht "
        "veröffentlicht.",
    ),
)

TITLES: tuple[str, ...] = tuple(problem[1] for problem in PROBLEMS)
