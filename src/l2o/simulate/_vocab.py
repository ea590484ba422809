"""Word lists the simulator draws names, firmographics and picklist values from.

All ASCII and free of commas and quotes, so the neutral CSV never needs quoting. Each list
is a NumPy bytes array, indexed by integer codes drawn in the generators.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "COMPANY_ADJECTIVES",
    "COMPANY_NOUNS",
    "COMPANY_SECTORS",
    "COUNTRIES",
    "FIRST_NAMES",
    "INDUSTRIES",
    "INDUSTRY_FIT",
    "LAST_NAMES",
    "LEGAL_FORMS",
    "NICKNAMES",
    "REGIONS",
    "TITLES",
    "TITLE_PERSONAS",
    "as_bytes",
]


def _words(text: str) -> list[str]:
    """The whitespace-separated words of ``text`` (word lists are kept as wrapped prose)."""
    return text.split()


def as_bytes(words: list[str] | tuple[str, ...]) -> np.ndarray:
    """A word list as a NumPy bytes array (the form text columns use)."""
    return np.array([w.encode("ascii") for w in words])


_FIRST = _words(
    """
    James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
    Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy
    Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily
    Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa
    Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia
    Jacob Kathleen Gary Amy Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry
    Pamela Justin Emma Scott Nicole Brandon Helen Benjamin Samantha Samuel Katherine Gregory
    Christine Alexander Debra Frank Rachel Patrick Carolyn Raymond Janet Jack Catherine
    Dennis Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce
    Henry Virginia Douglas Victoria Zachary Kelly Peter Lauren Kyle Christina Noah Joan
    Ethan Evelyn Jeremy Judith Walter Megan Christian Andrea Keith Cheryl Roger Hannah Terry
    Jacqueline Austin Martha Sean Gloria Gerald Teresa Carl Ann Harold Sara Dylan Madison
    Arthur Frances Lawrence Kathryn Jordan Janice Jesse Jean Bryan Abigail Billy Alice Bruce
    Judy Gabriel Sophia Joe Grace Logan Denise Albert Amber Willie Doris Alan Marilyn Eugene
    Danielle Russell Beverly Vincent Isabella Philip Theresa Bobby Diana Johnny Natalie
    Bradley Brittany Roy Charlotte Ingrid Lars Sven Anke Jurgen Priya Arjun Wei Mei Hiroshi
    Yuki Chen Fatima Omar Lucia Mateo
    """
)
FIRST_NAMES = as_bytes(_FIRST)

_LAST = _words(
    """
    Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
    Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson
    White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott
    Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter
    Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart
    Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed
    Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray
    Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez
    Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales
    Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds
    Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar
    Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington
    Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson
    Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer
    Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza
    Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley
    Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott
    Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry
    Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence
    Sandoval Guerrero George Chapman Rios Estrada Ortega Watkins Greene Nunez Wheeler Valdez
    Harper Burke Larson Santiago Maldonado Morrison Franklin Carlson Austin Dominguez Carr
    Lawson Jacobs Obrien Lynch Singh Vega Bishop Montgomery Oliver Jensen Harvey Williamson
    Gilbert Dean Sims Espinoza Howell Li Wong Reid Hanson Le Mccoy Garrett Burton Fuller
    Wang Weber Welch Rojas Lucas Marquez Fields Park Yang Little Banks Padilla Day Walsh
    Bowman Schultz Luna Fowler Mejia Davidson Acosta Brewer May Holland Juarez Newman
    Pearson Curtis Cortez Douglas Schneider Joseph Barrett Navarro Figueroa Keller
    """
)
LAST_NAMES = as_bytes(_LAST)

# A nickname people also go by: a name variation duplicates show (William -> Bill).
_NICK = {
    "William": "Bill",
    "Robert": "Bob",
    "Richard": "Rick",
    "James": "Jim",
    "Michael": "Mike",
    "Elizabeth": "Liz",
    "Jennifer": "Jen",
    "Katherine": "Kate",
    "Christopher": "Chris",
    "Daniel": "Dan",
    "Matthew": "Matt",
    "Anthony": "Tony",
    "Joseph": "Joe",
    "Thomas": "Tom",
    "Margaret": "Peggy",
    "Patricia": "Pat",
    "Jonathan": "Jon",
    "Nicholas": "Nick",
    "Alexander": "Alex",
    "Samantha": "Sam",
    "Benjamin": "Ben",
    "Timothy": "Tim",
    "Steven": "Steve",
    "Rebecca": "Becky",
    "Victoria": "Vicky",
    "Gregory": "Greg",
    "Edward": "Ed",
    "Andrew": "Andy",
    "Kimberly": "Kim",
    "Deborah": "Deb",
    "Jacqueline": "Jackie",
    "Zachary": "Zach",
    "Kenneth": "Ken",
    "Donald": "Don",
    "Raymond": "Ray",
    "Lawrence": "Larry",
    "Catherine": "Cathy",
}
NICKNAMES = as_bytes([_NICK.get(n, n[0] + ".") for n in _FIRST])
"""Per first name (same order), the nickname or initial a duplicate may carry instead."""

COMPANY_ADJECTIVES = as_bytes(
    [
        "Blue",
        "Red",
        "Green",
        "Silver",
        "Golden",
        "Bright",
        "Swift",
        "Clear",
        "North",
        "South",
        "East",
        "West",
        "Summit",
        "Prime",
        "Apex",
        "Vertex",
        "Nova",
        "Stellar",
        "Lunar",
        "Solar",
        "Iron",
        "Granite",
        "Cedar",
        "Maple",
        "Oak",
        "Pine",
        "Willow",
        "River",
        "Lake",
        "Harbor",
        "Bay",
        "Ocean",
        "Coral",
        "Crystal",
        "Quantum",
        "Atomic",
        "Vector",
        "Signal",
        "Pixel",
        "Cloud",
        "Rapid",
        "Agile",
        "Nimble",
        "Bold",
        "Brave",
        "True",
        "Pure",
        "Smart",
        "Wise",
        "Keen",
        "Sharp",
        "Deep",
        "High",
        "Open",
        "Grand",
        "Royal",
        "Noble",
        "Urban",
        "Metro",
        "Alpine",
        "Arctic",
        "Desert",
        "Canyon",
        "Prairie",
        "Coastal",
        "Island",
        "Polar",
        "Tidal",
        "Crimson",
        "Amber",
        "Azure",
        "Indigo",
        "Violet",
        "Scarlet",
        "Ivory",
        "Onyx",
        "Jade",
        "Ruby",
        "Sapphire",
        "Emerald",
        "Cobalt",
        "Copper",
        "Bronze",
        "Titan",
        "Falcon",
        "Eagle",
        "Hawk",
        "Raven",
        "Wolf",
        "Fox",
        "Bear",
        "Lion",
        "Tiger",
        "Orca",
        "Heron",
        "Lynx",
    ]
)
COMPANY_NOUNS = as_bytes(
    [
        "Harbor",
        "Peak",
        "Ridge",
        "Field",
        "Stone",
        "Bridge",
        "Gate",
        "Path",
        "Point",
        "Forge",
        "Works",
        "Labs",
        "Logic",
        "Bit",
        "Byte",
        "Stack",
        "Grid",
        "Mesh",
        "Wave",
        "Pulse",
        "Spark",
        "Flow",
        "Stream",
        "Loop",
        "Link",
        "Node",
        "Core",
        "Base",
        "Hub",
        "Port",
        "Dock",
        "Shift",
        "Lift",
        "Scale",
        "Sense",
        "Mind",
        "Sight",
        "View",
        "Scope",
        "Lens",
        "Beam",
        "Ray",
        "Light",
        "Fire",
        "Frost",
        "Storm",
        "Wind",
        "Rain",
        "Leaf",
        "Root",
        "Seed",
        "Grove",
        "Crest",
        "Vale",
        "Glen",
        "Moor",
        "Cliff",
        "Rock",
        "Sand",
        "Dune",
        "Shore",
        "Reef",
        "Tide",
        "Current",
        "Drift",
        "Sail",
        "Anchor",
        "Compass",
        "Atlas",
        "Orbit",
        "Comet",
        "Star",
        "Planet",
        "Meteor",
        "Rocket",
        "Engine",
        "Motor",
        "Gear",
        "Lever",
        "Wheel",
        "Track",
        "Trail",
        "Road",
        "Lane",
        "Way",
        "Arc",
        "Line",
        "Circle",
        "Square",
        "Prism",
        "Cube",
        "Sphere",
        "Cell",
        "Atom",
        "Quark",
        "Ion",
        "Flux",
        "Field",
        "Vault",
        "Tower",
        "Castle",
        "Keep",
        "Camp",
        "Yard",
        "Mill",
    ]
)
COMPANY_SECTORS = as_bytes(
    [
        "Systems",
        "Software",
        "Analytics",
        "Health",
        "Logistics",
        "Capital",
        "Energy",
        "Robotics",
        "Networks",
        "Data",
        "Security",
        "Media",
        "Foods",
        "Retail",
        "Bio",
        "Pharma",
        "Dynamics",
        "Solutions",
        "Technologies",
        "Industries",
        "Partners",
        "Group",
        "Labs",
        "Digital",
        "Cloud",
        "Payments",
        "Learning",
        "Mobility",
        "Materials",
        "Supply",
    ]
)
LEGAL_FORMS = as_bytes(["Inc", "LLC", "Ltd", "GmbH", "Corp", "SA", "BV", "AG"])

# Industry, and how well it fits the company's real ICP (0 poor .. 2 strong).
_INDUSTRIES = (
    ("Software", 2),
    ("Financial Services", 2),
    ("Healthcare", 1),
    ("Manufacturing", 1),
    ("Retail", 0),
    ("Logistics", 1),
    ("Education", 0),
    ("Media", 0),
    ("Telecommunications", 1),
    ("Professional Services", 2),
    ("Energy", 0),
    ("Government", 0),
)
INDUSTRIES = as_bytes([name for name, _ in _INDUSTRIES])
INDUSTRY_FIT = np.array([fit for _, fit in _INDUSTRIES], dtype=np.int64)

# Country, region, phone country code, area prefixes (real ones, so phone validation
# accepts the numbers: North American area codes; London, Berlin, Paris, Amsterdam, Sydney
# and Singapore mobile lines), share of accounts. Seven subscriber digits follow the prefix.
_COUNTRIES = (
    ("United States", "NA", "1", ("212", "415", "617", "312", "206", "512", "303", "404"), 0.50),
    ("Canada", "NA", "1", ("416", "604", "514", "403", "613"), 0.06),
    ("United Kingdom", "EMEA", "44", ("20 7", "20 3"), 0.14),
    ("Germany", "EMEA", "49", ("30",), 0.10),
    ("France", "EMEA", "33", ("1 4",), 0.06),
    ("Netherlands", "EMEA", "31", ("20",), 0.04),
    ("Australia", "APAC", "61", ("2 9",), 0.06),
    ("Singapore", "APAC", "65", ("8",), 0.04),
)
_AREA_SLOTS = 8
COUNTRIES = as_bytes([c for c, _, _, _, _ in _COUNTRIES])
COUNTRY_REGION = np.array([("NA", "EMEA", "APAC").index(r) for _, r, _, _, _ in _COUNTRIES])
COUNTRY_PHONE_CODE = as_bytes([p for _, _, p, _, _ in _COUNTRIES])
COUNTRY_PHONE_AREAS = np.array(
    [
        [areas[k % len(areas)].encode() for k in range(_AREA_SLOTS)]
        for _, _, _, areas, _ in _COUNTRIES
    ]
)
"""Area prefixes per country (rows), cycled to a fixed width so a person's serial picks one."""
COUNTRY_SHARE = np.array([s for _, _, _, _, s in _COUNTRIES])
REGIONS = as_bytes(["NA", "EMEA", "APAC"])

# Job title, its buying persona, and seniority (0 user .. 3 executive).
_TITLES = (
    ("Chief Executive Officer", "economic_buyer", 3),
    ("Chief Financial Officer", "economic_buyer", 3),
    ("Chief Technology Officer", "economic_buyer", 3),
    ("VP Sales", "economic_buyer", 3),
    ("VP Marketing", "champion", 3),
    ("VP Engineering", "technical_buyer", 3),
    ("Director of Operations", "champion", 2),
    ("Director of IT", "technical_buyer", 2),
    ("Head of Revenue Operations", "champion", 2),
    ("Sales Operations Manager", "champion", 1),
    ("Marketing Manager", "user", 1),
    ("IT Manager", "technical_buyer", 1),
    ("Software Engineer", "user", 0),
    ("Data Analyst", "user", 0),
    ("Account Executive", "user", 0),
    ("Operations Analyst", "user", 0),
    ("Procurement Manager", "procurement", 1),
    ("Office Manager", "user", 0),
)
TITLES = as_bytes([t for t, _, _ in _TITLES])
TITLE_PERSONAS = as_bytes([p for _, p, _ in _TITLES])
TITLE_SENIORITY = np.array([s for _, _, s in _TITLES], dtype=np.int64)

DISQUALIFICATION_REASONS = as_bytes(
    ["poor_fit", "no_budget", "student", "competitor", "no_response"]
)

# Canonical picklist value -> the inconsistent variants a weakly governed CRM accumulates.
PICKLIST_VARIANTS: dict[str, dict[str, list[str]]] = {
    "accounts.industry": {
        "Software": ["software", "SaaS", "Computer Software"],
        "Financial Services": ["Finance", "FinServ", "financial services"],
        "Healthcare": ["Health Care", "healthcare"],
        "Manufacturing": ["manufacturing", "Mfg"],
        "Professional Services": ["Consulting", "Prof Services"],
    },
    "accounts.country": {
        "United States": ["US", "USA", "U.S."],
        "United Kingdom": ["UK", "Great Britain", "England"],
        "Germany": ["DE", "Deutschland"],
    },
    "leads.lead_source": {
        "Organic Search": ["organic", "SEO", "Web"],
        "Paid Search": ["PPC", "Google Ads", "paid search"],
        "Event": ["Trade Show", "Conference", "events"],
        "Outbound": ["Cold Call", "SDR Outbound", "outbound"],
        "Partner": ["Partner Referral", "Channel Partner"],
        "Referral": ["Customer Referral", "Word of Mouth"],
    },
    "opportunities.loss_reason": {
        "price": ["Price", "Too expensive", "pricing"],
        "competitor": ["Competitor", "Lost to competitor"],
        "no_decision": ["No Decision", "went dark"],
    },
}

LEAD_SOURCES = as_bytes(
    ["Organic Search", "Paid Search", "Event", "Outbound", "Partner", "Referral"]
)
"""The canonical ``lead_source`` picklist value per channel (same order as CHANNELS)."""
