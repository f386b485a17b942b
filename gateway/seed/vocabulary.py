"""Word lists the demo-data generator draws from: names, places, products, courses, phrases.
All are tuples, never sets, so that draws from them are reproducible across processes."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.seed.weighted import Weighted

REGIONS: tuple[str, ...] = ("NA", "EMEA", "APAC", "LATAM")
# Most channel business happens in NA and EMEA; these weights keep the mix believable.
REGION_MIX: Weighted[str] = Weighted(REGIONS, (36, 34, 18, 12))


@dataclass(frozen=True)
class Country:
    code: str
    dial_code: str
    currency: str


COUNTRIES: dict[str, tuple[Country, ...]] = {
    "NA": (
        Country("US", "1", "USD"),
        Country("US", "1", "USD"),  # listed twice: most NA partners are in the US
        Country("CA", "1", "CAD"),
    ),
    "EMEA": (
        Country("GB", "44", "GBP"),
        Country("DE", "49", "EUR"),
        Country("FR", "33", "EUR"),
        Country("NL", "31", "EUR"),
        Country("SE", "46", "SEK"),
        Country("ES", "34", "EUR"),
        Country("IT", "39", "EUR"),
        Country("PL", "48", "PLN"),
        Country("IE", "353", "EUR"),
        Country("CH", "41", "CHF"),
        Country("AE", "971", "AED"),
        Country("ZA", "27", "ZAR"),
    ),
    "APAC": (
        Country("JP", "81", "JPY"),
        Country("AU", "61", "AUD"),
        Country("SG", "65", "SGD"),
        Country("IN", "91", "INR"),
        Country("KR", "82", "KRW"),
        Country("NZ", "64", "NZD"),
    ),
    "LATAM": (
        Country("BR", "55", "BRL"),
        Country("MX", "52", "MXN"),
        Country("AR", "54", "ARS"),
        Country("CL", "56", "CLP"),
        Country("CO", "57", "COP"),
    ),
}

# Customers often register a regional subsidiary, which is why conflict checks match subdomains.
REGIONAL_SUBDOMAINS: dict[str, tuple[str, ...]] = {
    "NA": ("na", "us", "east", "west"),
    "EMEA": ("emea", "uk", "de", "eu"),
    "APAC": ("apac", "jp", "au", "sg"),
    "LATAM": ("latam", "br", "mx"),
}

LEGAL_SUFFIXES: dict[str, tuple[str, ...]] = {
    "NA": ("Inc.", "LLC", "Corp."),
    "EMEA": ("Ltd", "GmbH", "S.A.", "B.V.", "AB"),
    "APAC": ("Pty Ltd", "K.K.", "Pte Ltd", "Ltd"),
    "LATAM": ("S.A.", "Ltda.", "S.A. de C.V."),
}

# Long word lists stay packed several to a line; one per line would be hundreds of lines.
# fmt: off
PARTNER_NAME_HEADS: tuple[str, ...] = (
    "Northwind", "Bluepeak", "Ironbridge", "Silverline", "Redwood", "Cobalt", "Summit", "Keystone",
    "Lighthouse", "Granite", "Harbor", "Pinnacle", "Vertex", "Meridian", "Crescent", "Evergreen",
    "Falcon", "Atlas", "Beacon", "Cedar", "Clearwater", "Coastal", "Copperleaf", "Driftwood",
    "Eastgate", "Foxglove", "Frontier", "Highland", "Horizon", "Juniper", "Kestrel", "Lakeside",
    "Maplewood", "Nimbus", "Oakridge", "Orion", "Palisade", "Quarry", "Riverbend", "Sable",
    "Sequoia", "Skyward", "Stonegate", "Sterling", "Tidewater", "Trailhead", "Upland", "Vanguard",
    "Westbrook", "Whitestone", "Willow", "Zenith", "Arclight", "Bramble", "Brightline", "Cairn",
    "Corvid", "Halcyon", "Lodestar", "Polaris",
)

PARTNER_NAME_TAILS: tuple[str, ...] = (
    "Networks", "Systems", "Solutions", "Technologies", "IT Services", "Integration", "Consulting",
    "Cyber", "Data", "Digital", "Infotech", "Secure", "Cloud", "Partners", "Group", "Labs",
    "Computing", "Communications", "Logic", "Technica",
)

CUSTOMER_NAME_HEADS: tuple[str, ...] = (
    "Contoso", "Fabrikam", "Tailspin", "Woodgrove", "Litware", "Adventure Works", "Wingtip",
    "Proseware", "Lucerne", "Alpine Ski", "Trey", "Coho", "Margie's", "Wide World", "Alder",
    "Brightwater", "Castlerock", "Dunmore", "Elmstead", "Fairhaven", "Glenwood", "Hollis",
    "Ashford", "Bellweather", "Blackwood", "Caldera", "Clearfield", "Crestview", "Delmar",
    "Eastwick", "Fernhill", "Goldcrest", "Greystone", "Hartwell", "Ironwood", "Kingsley",
    "Larkspur", "Lindenhof", "Marlow", "Millbrook", "Newhaven", "Norrland", "Oakmont", "Pemberton",
    "Quayside", "Ravenhill", "Rosewood", "Saltmarsh", "Seabright", "Southport", "Stillwater",
    "Thornbury", "Umbra", "Valemont", "Waverly", "Westfield", "Yarrow", "Zephyr", "Amberley",
    "Birchwood", "Cobblestone", "Draycott", "Emberly", "Foxhall", "Grantham", "Highgate",
    "Ivybridge", "Kelso", "Lowther", "Moorfield", "Northgate", "Orchard", "Penrose", "Redcliffe",
    "Sandown", "Tamworth", "Upton", "Wexford",
)

CUSTOMER_NAME_TAILS: tuple[str, ...] = (
    "Retail", "Logistics", "Health", "Bank", "Insurance", "Energy", "Foods", "Pharma", "Motors",
    "Airlines", "Hotels", "Media", "Telecom", "Manufacturing", "University", "Capital", "Mining",
    "Shipping", "Utilities", "Realty", "Clinics", "Apparel", "Beverages", "Chemicals",
    "Construction", "Freight", "Games", "Water", "Semiconductors", "Aerospace", "Publishing",
    "Biotech", "Railways", "Textiles", "Hospitality", "Agritech", "Credit Union", "Outfitters",
    "Robotics", "Studios",
)

FIRST_NAMES: tuple[str, ...] = (
    "Aaliyah", "Aaron", "Abigail", "Adrian", "Aisha", "Akira", "Alejandro", "Amara", "Amelia",
    "Ana", "Andrea", "Anika", "Arjun", "Astrid", "Ben", "Bianca", "Camila", "Carlos", "Chen",
    "Chloe", "Daniel", "Diego", "Elena", "Emma", "Erik", "Fatima", "Felix", "Freya", "Gabriel",
    "Grace", "Hana", "Hannah", "Hiroshi", "Ingrid", "Isabel", "Ivan", "Jacob", "James", "Javier",
    "Jin", "Joao", "Julia", "Kai", "Karin", "Kenji", "Lars", "Laura", "Leila", "Liam", "Lucas",
    "Lucia", "Maya", "Mateo", "Mei", "Mia", "Mohammed", "Nadia", "Noah", "Nora", "Olivia", "Omar",
    "Oscar", "Priya", "Rafael", "Rahul", "Rosa", "Sakura", "Samuel", "Sara", "Sofia", "Sven",
    "Tariq", "Thomas", "Valentina", "Wei", "Yara", "Yusuf", "Zara", "Zoe", "Ethan",
)

LAST_NAMES: tuple[str, ...] = (
    "Abbott", "Adeyemi", "Alvarez", "Andersson", "Bauer", "Becker", "Bennett", "Bianchi", "Brooks",
    "Carvalho", "Chen", "Costa", "Dubois", "Eriksson", "Fernandes", "Fischer", "Fontaine",
    "Garcia", "Gonzalez", "Gupta", "Hansen", "Hartmann", "Hughes", "Ibrahim", "Ito", "Jansen",
    "Johansson", "Kaur", "Khan", "Kim", "Kowalski", "Kumar", "Larsen", "Laurent", "Lee", "Lopez",
    "Martin", "Martinez", "Meyer", "Moreau", "Morales", "Muller", "Murphy", "Nakamura", "Nguyen",
    "Novak", "Okafor", "Olsen", "Park", "Patel", "Pereira", "Petrov", "Quinn", "Ramos", "Reyes",
    "Rossi", "Sato", "Schmidt", "Schneider", "Silva", "Singh", "Smith", "Sousa", "Suzuki",
    "Tanaka", "Thompson", "Torres", "Van Dijk", "Vargas", "Wagner", "Walsh", "Wang", "Weber",
    "Williams", "Wilson", "Wong", "Yamamoto", "Yilmaz", "Zhang", "Zimmermann",
)

ADMIN_TITLES: tuple[str, ...] = (
    "Channel Director", "Partner Operations Manager", "Managing Director", "VP Sales",
    "Head of Alliances", "Sales Operations Lead",
)

REP_TITLES: tuple[str, ...] = (
    "Account Executive", "Sales Engineer", "Solutions Architect", "Inside Sales Representative",
    "Territory Manager", "Customer Success Manager", "Presales Consultant", "Security Consultant",
    "Business Development Manager",
)

# Product codes: family prefix (network, security, cloud, services) and offering.
PRODUCTS: tuple[str, ...] = (
    "NET-FW", "NET-SDWAN", "NET-SW", "NET-WIFI", "NET-LB", "SEC-EDR", "SEC-XDR", "SEC-SIEM",
    "SEC-IAM", "SEC-MAIL", "SEC-ZTNA", "CLD-BACKUP", "CLD-CASB", "CLD-WAF", "CLD-DNS", "SVC-PS",
    "SVC-SUPPORT",
)
# A few flagship products dominate, so registrations for one customer often share a product
# (which is what makes them channel conflicts).
PRODUCT_MIX: Weighted[str] = Weighted(
    PRODUCTS, (18, 8, 6, 5, 3, 16, 7, 6, 5, 4, 6, 5, 3, 3, 2, 4, 4)
)
# fmt: on


@dataclass(frozen=True)
class CourseSpec:
    code: str
    title: str
    level: str
    hours: str  # a decimal literal, so the value stays exact
    validity_months: int


COURSES: tuple[CourseSpec, ...] = (
    CourseSpec("NET-101", "Network Security Foundations", "FOUNDATION", "4.0", 12),
    CourseSpec("NET-201", "Firewall Deployment Professional", "PROFESSIONAL", "12.0", 24),
    CourseSpec("NET-301", "SD-WAN Architecture Expert", "EXPERT", "24.0", 36),
    CourseSpec("SEC-101", "Endpoint Security Essentials", "FOUNDATION", "3.5", 12),
    CourseSpec("SEC-201", "EDR and XDR Operations", "PROFESSIONAL", "10.0", 24),
    CourseSpec("SEC-301", "Threat Hunting Expert", "EXPERT", "20.0", 36),
    CourseSpec("CLD-101", "Cloud Security Fundamentals", "FOUNDATION", "4.0", 12),
    CourseSpec("CLD-201", "Securing Cloud Workloads", "PROFESSIONAL", "12.5", 24),
    CourseSpec("IAM-201", "Zero Trust Access Professional", "PROFESSIONAL", "8.0", 24),
    CourseSpec("SAL-101", "Selling the Security Platform", "FOUNDATION", "2.0", 12),
    CourseSpec("SAL-201", "Solution Selling for Partners", "PROFESSIONAL", "6.0", 12),
    CourseSpec("SVC-301", "Professional Services Delivery Expert", "EXPERT", "16.0", 36),
)

LEAD_SOURCES: tuple[str, ...] = ("WEB", "EVENT", "WEBINAR", "REFERRAL", "CAMPAIGN", "PARTNER")
LEAD_SOURCE_MIX: Weighted[str] = Weighted(LEAD_SOURCES, (35, 15, 15, 10, 20, 5))

REJECTION_REASONS: tuple[str, ...] = (
    "Duplicate of an existing registration for this customer",
    "Customer is already engaged by the direct sales team",
    "Insufficient detail on scope and decision maker",
    "Customer is outside the partner's contracted territory",
    "Products are not covered by the partner agreement",
    "Customer confirmed no active project",
)

INTERNAL_NOTES: tuple[str, ...] = (
    "Strategic account; watch for overlap with direct sales.",
    "Partner asked for an extra discount to beat the incumbent.",
    "Verified with the customer's procurement team.",
    "Competing against the incumbent vendor on price.",
    "Renewal of a previously direct deal; check the margin.",
    "Referred by field sales; partner brings the services.",
    "Customer budget approved for next fiscal year.",
    "Large multi-site rollout; consider a services attach.",
)

DECLINE_NOTES: tuple[str, ...] = (
    "Outside our territory",
    "No capacity this quarter",
    "Existing customer of another reseller",
    "Budget too small for us",
    "Not a fit for our practice",
)
