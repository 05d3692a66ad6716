"""German news copy for the unseen sites (headline, paraphrases, lead, body), from slot-filled
templates; topics carry their nominative, dative and accusative forms."""

from __future__ import annotations

import random

from fixture_site.unseen.prose import compose

ACTORS = (
    "der Bundestag", "die Bundesregierung", "der Berliner Senat", "der Stadtrat",
    "die EU-Kommission", "das Wirtschaftsministerium", "der Bezirk Mitte", "die Landesregierung",
    "der Verkehrsverbund", "die Gewerkschaft", "der Mieterverein", "das Gesundheitsministerium",
)
PEOPLE = (
    ("Katrin Vogel", "Sprecherin des Ministeriums"), ("Jürgen Höfler", "Fraktionschef im Landtag"),
    ("Sabine Krüger", "Ökonomin am Institut für Stadtforschung"),
    ("Tobias Weiß", "Bezirksbürgermeister"), ("Leonie Schäfer", "Vorsitzende des Mieterbundes"),
    ("Mehmet Yıldız", "Verkehrsexperte"), ("Ursula Brandt", "Präsidentin der Handelskammer"),
    ("Florian Günther", "Sprecher der Gewerkschaft"),
)
TOPICS = (
    ("die Grundsteuerreform", "der Grundsteuerreform", "die Grundsteuerreform"),
    ("der Wohnungsbau", "dem Wohnungsbau", "den Wohnungsbau"),
    ("die Mietpreisbremse", "der Mietpreisbremse", "die Mietpreisbremse"),
    ("der Kohleausstieg", "dem Kohleausstieg", "den Kohleausstieg"),
    ("das Heizungsgesetz", "dem Heizungsgesetz", "das Heizungsgesetz"),
    ("die Krankenhausreform", "der Krankenhausreform", "die Krankenhausreform"),
    ("der Nahverkehr", "dem Nahverkehr", "den Nahverkehr"),
    ("die Energiepreise", "den Energiepreisen", "die Energiepreise"),
    ("die Rentenerhöhung", "der Rentenerhöhung", "die Rentenerhöhung"),
    ("die Sanierung der Schulen", "der Sanierung der Schulen", "die Sanierung der Schulen"),
    ("das Tempolimit", "dem Tempolimit", "das Tempolimit"),
    ("der Ausbau der Radwege", "dem Ausbau der Radwege", "den Ausbau der Radwege"),
)
CITIES = (
    "Berlin", "Potsdam", "Leipzig", "Hamburg", "München", "Köln", "Düsseldorf", "Dresden",
    "Frankfurt am Main", "Brüssel", "Kiew", "Warschau", "Nürnberg", "Lübeck",
)
SOURCES = (
    "wie ein Sprecher mitteilte", "heißt es aus Regierungskreisen",
    "wie aus einem internen Papier hervorgeht", "teilte die Behörde mit",
    "berichten mehrere Medien", "sagte ein Sprecher auf Anfrage",
)
WHEN = (
    "noch in diesem Jahr", "bis zum Sommer", "im kommenden Frühjahr", "bis Ende des Quartals",
    "in den nächsten Wochen", "frühestens im Herbst",
)

FRAMES = (
    ("{Acap} beschließt Änderungen bei {Td}", "Änderungen bei {Td} beschlossen",
     "Was sich bei {Td} jetzt ändert", "{Acap} hat am Dienstag Änderungen bei {Td} "
     "beschlossen, die {WHEN} in Kraft treten sollen, {S}."),
    ("{P} warnt vor Folgen für {Ta}", "Warnung vor Folgen für {Ta}",
     "Warum Fachleute um {Ta} fürchten", "{P}, {R}, hat vor erheblichen Folgen für {Ta} "
     "gewarnt."),
    ("Streit um {Ta}: {Acap} lehnt Vorschlag ab", "Vorschlag zu {Td} abgelehnt",
     "Kritiker sprechen von einer verpassten Chance", "{Acap} hat einen Vorschlag zu {Td} "
     "abgelehnt und auf fehlende Mittel verwiesen, {S}."),
    ("Abriss statt Sanierung: {Acap} will alte Kühltürme zerstören",
     "Alte Kühltürme in {C} sollen zerstört werden", "Anwohner in {C} sind geteilter Meinung",
     "{Acap} will die stillgelegten Kühltürme am Stadtrand von {C} {WHEN} sprengen lassen."),
    ("Kosten für {Ta} steigen um {PCT} Prozent", "{Tncap}: Kosten steigen deutlich",
     "Neue Zahlen werfen Fragen auf", "Die Kosten für {Ta} sind im vergangenen Jahr um {PCT} "
     "Prozent auf {N} Millionen Euro gestiegen."),
    ("{C}: Bürger fordern schnellere Lösung für {Ta}", "Ungeduld in {C} wächst",
     "Warum es bei {Td} nicht vorangeht", "In {C} fordern Bürgerinitiativen eine schnellere "
     "Lösung für {Ta}, {S}."),
    ("Über {Ta} wird erneut gestritten", "Neuer Streit über {Ta}",
     "Die wichtigsten Fragen und Antworten", "Über {Ta} ist in {C} ein neuer Streit "
     "entbrannt, eine Einigung ist {WHEN} nicht in Sicht."),
)

SENTENCES = (
    "{Acap} will die Pläne für {Ta} {WHEN} überprüfen.",
    "{P}, {R}, sagte in {C}, der Zeitplan sei realistisch.",
    "Die Kosten werden auf rund {N} Millionen Euro geschätzt, {S}.",
    "Kritiker bemängeln, dass die grundlegenden Probleme nicht gelöst würden.",
    "Befürworter halten die Änderungen für überfällig.",
    "Eine Sprecherin wollte sich zu Einzelheiten nicht äußern.",
    "Nach einer aktuellen Umfrage unterstützen {PCT} Prozent der Befragten das Vorhaben.",
    "Ähnliche Pläne waren in {C} im vergangenen Jahr gescheitert.",
    "Wann die ersten Zahlungen fließen, ist noch unklar.",
    "Die Debatte über {Ta} spaltet die Koalition seit Monaten.",
    "{Acap} will {WHEN} einen detaillierten Zeitplan vorlegen.",
    "Wirtschaftsverbände in {C} drängen auf ein schrittweises Vorgehen.",
    "Den Änderungen gingen monatelange Verhandlungen voraus.",
    "Sozialverbände kündigten an, weiter für stärkere Schutzregeln zu kämpfen.",
    "Ein früherer Entwurf war nach Einwänden zurückgezogen worden.",
    "{P} sprach von einem ersten Schritt, nicht von einer endgültigen Lösung.",
    "Bei der Anhörung in {C} äußerten mehrere Anwohner ihren Unmut.",
    "Laut Haushaltsplan stiegen die Ausgaben für {Ta} zuletzt um {PCT} Prozent.",
    "Wie das Vorhaben finanziert werden soll, blieb zunächst offen.",
    "{P} verwies darauf, dass ähnliche Regeln in {C} ohne größere Probleme gelten.",
    "Über {Ta} soll im Ausschuss erneut beraten werden.",
    "Die Opposition kündigte Widerstand gegen die Pläne an.",
)


CONTRACTIONS = ((" bei dem ", " beim "), (" zu dem ", " zum "), (" zu der ", " zur "),
                (" von dem ", " vom "), (" in dem ", " im "))


def _cap(text: str) -> str:
    for long, short in CONTRACTIONS:
        text = text.replace(long, short)
    return text[:1].upper() + text[1:]


def _slots(rng: random.Random) -> dict[str, str]:
    actor = rng.choice(ACTORS)
    name, role = rng.choice(PEOPLE)
    nom, dat, acc = rng.choice(TOPICS)
    return {
        "A": actor, "Acap": _cap(actor), "P": name, "R": role, "Tn": nom, "Tncap": _cap(nom),
        "Td": dat, "Ta": acc, "C": rng.choice(CITIES), "S": rng.choice(SOURCES),
        "WHEN": rng.choice(WHEN), "N": str(rng.randint(12, 940)), "PCT": str(rng.randint(3, 38)),
    }


def compose_de(rng: random.Random) -> tuple[str, str, str, str, tuple[str, ...]]:
    """``(title, alt_title, dek, lead, body paragraphs)`` of one German article."""
    return compose(rng, FRAMES, SENTENCES, _slots, _cap)
