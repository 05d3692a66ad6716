"""English news copy for the unseen sites: a headline with its paraphrases, a lead and body
paragraphs, drawn from slot-filled templates (all names are invented)."""

from __future__ import annotations

import random

from fixture_site.unseen.prose import compose

ACTORS = (
    "the city council", "the State Department", "the Federal Reserve", "the governor's office",
    "the transit authority", "the Senate committee", "the school board", "the health department",
    "the port authority", "the European Commission", "the Treasury", "the housing agency",
)
PEOPLE = (
    ("Dana Whitfield", "a council member"), ("Marcus Ortega", "the agency's spokesman"),
    ("Priya Raman", "an economist at Larchmont University"),
    ("Tom Brennan", "the union's president"),
    ("Alicia Gómez", "a deputy mayor"), ("Hiroshi Tanaka", "a trade analyst"),
    ("Ruth Abernathy", "the committee's chairwoman"), ("Kwame Mensah", "a former diplomat"),
    ("Elena Petrova", "a security researcher"), ("Jonah Feld", "the district's superintendent"),
)
TOPICS = (
    "the transit budget", "rent stabilization", "the bridge repair plan", "school funding",
    "the minimum wage increase", "the sanctions package", "congestion pricing",
    "the tariff dispute",
    "flood barriers", "the data privacy bill", "the ceasefire talks", "hospital staffing",
    "the port expansion", "the wildfire response", "the election audit", "broadband subsidies",
)
CITIES = (
    "Albany", "Newark", "Brooklyn", "Yonkers", "Hartford", "Trenton", "Kyiv", "Brussels",
    "Warsaw", "Geneva", "Ottawa", "Boston", "Philadelphia", "Buffalo",
)
SOURCES = (
    "officials said", "according to people familiar with the matter", "records show",
    "a spokesperson confirmed", "documents reviewed by reporters show", "aides said",
)
WHEN = (
    "by the end of the year", "within weeks", "before the summer recess", "next spring",
    "by the end of the quarter", "as early as next month",
)

FRAMES = (
    ("{Acap} approves new plan for {T}", "New plan for {T} gets green light",
     "What the vote on {T} means for residents", "{Acap} voted on Tuesday to approve a new plan "
     "for {T}, a measure that could take effect {WHEN}, {S}."),
    ("{P} warns of risks to {T}", "{Rcap} sounds alarm over {T}",
     "Why {T} worries officials in {C}", "{P}, {R}, warned that {T} could face serious setbacks "
     "{WHEN} unless lawmakers act."),
    ("Q&A: {P} on what's next for {T}", "{P} explains the fight over {T}",
     "An interview about {T} and the road ahead", "{P}, {R}, spoke about {T} and the choices "
     "facing {A} in the months ahead."),
    ("{Acap} & unions reach deal on {T}", "Deal reached on {T} after long talks",
     "The agreement on {T} ends months of wrangling", "{Acap} and labor leaders reached a "
     "tentative agreement on {T} late on Monday, {S}."),
    ("{C}'s leaders split over {T}", "Divisions deepen in {C} over {T}",
     "A closer look at the debate over {T}", "Leaders in {C} remain divided over {T}, with a "
     "decision not expected {WHEN}, {S}."),
    ("{Acap} rejects proposal on {T}", "Proposal on {T} voted down",
     "Critics say the rejected plan on {T} was underfunded", "{Acap} rejected a proposal on "
     "{T} on Wednesday, citing a shortfall of ${N} million, {S}."),
    ("Inside the scramble over {T}", "How {T} became this year's biggest fight",
     "Officials race to settle {T} before the deadline", "Behind closed doors in {C}, "
     "officials have been scrambling for weeks to settle {T}, {S}."),
    ("Report finds costs of {T} rose {PCT}%", "{T}: costs up {PCT}%, report says",
     "New figures on {T} raise questions", "A new report on {T} found that costs rose {PCT}% "
     "over the past year, reaching ${N} million."),
)

SENTENCES = (
    "{Acap} said it would review the terms of {T} {WHEN}.",
    "{P}, {R}, told reporters in {C} that the timetable was realistic.",
    "The proposal would cost about ${N} million over five years, {S}.",
    "Critics argued that the plan did little to address the underlying problems.",
    "Supporters said the changes were long overdue and would benefit thousands of families.",
    "A spokesperson for {A} declined to comment on the details.",
    "The measure passed by a vote of {V} to {V2}.",
    "{P} said the decision would be revisited if costs kept rising.",
    "Similar efforts in {C} stalled last year amid legal challenges.",
    "Polling released this month found that {PCT}% of residents support the idea.",
    "Officials have not said when the first payments will be made.",
    "The debate over {T} has divided lawmakers from both parties.",
    "{Acap} is expected to publish a detailed timeline {WHEN}.",
    "Business groups in {C} have urged a more gradual approach.",
    "The changes follow months of negotiations between the two sides.",
    "Advocates said they would press for stronger protections.",
    "An earlier version of the plan was withdrawn after objections from {A}.",
    "{P} described the outcome as a first step rather than a final answer.",
    "Analysts expect the impact on {T} to become clearer {WHEN}.",
    "The agency said it had received more than {N} public comments.",
    "Several residents who attended the hearing in {C} voiced frustration.",
    "Budget documents show spending on {T} rose {PCT}% last year.",
    "It was not immediately clear how the plan would be financed.",
    "{P} noted that similar rules had been adopted in {C} without major problems.",
)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _slots(rng: random.Random) -> dict[str, str]:
    actor = rng.choice(ACTORS)
    name, role = rng.choice(PEOPLE)
    votes = rng.randint(26, 51)
    return {
        "A": actor, "Acap": _cap(actor), "P": name, "R": role, "Rcap": _cap(role),
        "T": rng.choice(TOPICS), "C": rng.choice(CITIES), "S": rng.choice(SOURCES),
        "WHEN": rng.choice(WHEN), "N": str(rng.randint(12, 950)),
        "PCT": str(rng.randint(3, 38)), "V": str(votes), "V2": str(rng.randint(2, votes - 1)),
    }


def compose_en(rng: random.Random) -> tuple[str, str, str, str, tuple[str, ...]]:
    """``(title, alt_title, dek, lead, body paragraphs)`` of one English article."""
    return compose(rng, FRAMES, SENTENCES, _slots, _cap)
