"""Names and plan texts for the benchmark's bulk data: fictional, Dutch, of the length real ones have."""

FIRST_NAMES = (
    "Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara", "Nora", "Yara", "Eva", "Saar", "Noor", "Lotte",
    "Fenna", "Anna", "Roos", "Liv", "Maud", "Evi", "Fleur", "Isa", "Amira", "Imane", "Elif", "Zeynep", "Nina",
    "Noah", "Liam", "Lucas", "Sem", "Levi", "Finn", "Daan", "Milan", "Luuk", "Bram", "Sven", "Jesse", "Thijs",
    "Mees", "Gijs", "Jayden", "Ties", "Thomas", "Siem", "Ruben", "Mohamed", "Adam", "Ayoub", "Youssef", "Rayan",
    "Emir", "Yusuf", "Mert", "Kacper", "Jakub", "Dylan", "Quinten", "Wessel", "Teun", "Hugo", "Olivier",
)
ADULT_FIRST_NAMES = (
    "Sanne", "Lisa", "Anne", "Laura", "Marieke", "Esther", "Linda", "Kim", "Iris", "Naima", "Fatma", "Samira",
    "Joyce", "Agnieszka", "Nadia", "Mirjam", "Judith", "Wendy", "Manon", "Hatice", "Mark", "Dennis", "Kevin",
    "Jeroen", "Martijn", "Bas", "Erik", "Ahmed", "Mustafa", "Hakan", "Piotr", "Sander", "Rob", "Michiel",
)
PREFIXES = ("", "", "", "", "", "de", "van", "van der", "van den", "el", "ter")
LAST_NAMES = (
    "Jong", "Jansen", "Vries", "Berg", "Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer", "Boer", "Mulder",
    "Groot", "Bos", "Vos", "Peters", "Hendriks", "Leeuwen", "Dekker", "Brouwer", "Wit", "Dijkstra", "Smits",
    "Graaf", "Meer", "Linden", "Kok", "Jacobs", "Haan", "Vermeulen", "Heuvel", "Veen", "Broek", "Bruijn",
    "Yılmaz", "Kaya", "Amrani", "Ouali", "Nowak", "Kowalski", "Wouters", "Willems", "Hoekstra", "Postma",
)
CITIES = (
    "Utrecht", "Amersfoort", "Zwolle", "Deventer", "Arnhem", "Nijmegen", "Ede", "Veenendaal", "Tiel", "Gouda",
    "Leiden", "Haarlem", "Alkmaar", "Hoorn", "Breda", "Tilburg", "Eindhoven", "Venlo", "Assen", "Emmen",
)
SCHOOL_NAMES = {
    "bao": ("OBS De Regenboog", "CBS De Wegwijzer", "Basisschool Het Kompas", "OBS De Vlieger", "IKC De Linde",
            "Daltonschool De Horizon", "Montessorischool De Boomgaard", "RK Basisschool Sint Jozef"),
    "sbo": ("SBO De Kameleon", "SBO Het Mozaïek", "SBO De Brug"),
    "so": ("SO De Sterrenwacht", "School voor speciaal onderwijs De Wissel", "SO Het Anker"),
    "vo": ("Christelijk Lyceum", "Scholengemeenschap Het Baken", "Het Stedelijk College", "Vakcollege De Poort"),
    "vso": ("VSO De Opstap", "VSO Het Praktijkhuis"),
    "pro": ("Praktijkschool De Werkplaats", "Praktijkonderwijs Het Ambacht"),
}

SITUATIONS = (
    "Gaat graag naar school en werkt goed mee in de kleine groep. In de grote groep raakt de leerling snel "
    "afgeleid en haakt af bij lange instructie.",
    "Maakt sociaal goede stappen en heeft een vaste vriendengroep. Lezen en spellen blijven achter bij de groep; "
    "rekenen gaat op niveau.",
    "Heeft veel structuur nodig. Bij veranderingen in het rooster loopt de spanning op; met een dagplanning en "
    "een vaste plek gaat het beter.",
)
NEEDS = (
    "Korte instructie in een klein groepje, herhaling en een vaste plek dicht bij de leerkracht.",
    "Een voorspelbare dag, een rustige werkplek en een volwassene bij wie de leerling terecht kan.",
    "Extra oefentijd met lezen en een aanpak die thuis en op school hetzelfde is.",
)
SUPPORT = (
    "Twee keer per week een half uur extra instructie in een groepje van vier bij de onderwijsassistent. In de "
    "klas zit de leerling vooraan, dicht bij de instructietafel.",
    "Dagelijks een korte check-in met de leerkracht bij binnenkomst; een eigen dagplanning op tafel en een vaste "
    "rustplek in de klas.",
    "Wekelijks een gesprek met de mentor over planning en huiswerk; extra tijd bij toetsen en toetsen op een "
    "laptop met voorleessoftware.",
    "Eén keer per week begeleiding door de remedial teacher bij lezen; thuis wordt elke dag samen gelezen.",
)
ADJUSTED_SUPPORT = (
    "Na de evaluatie: drie keer per week extra instructie in een klein groepje, en elke vrijdag een kort gesprek "
    "met de leerling over hoe de week ging."
)
DEVIATION = "Voor rekenen volgt de leerling een eigen leerlijn op het niveau van een lager leerjaar."
JUSTIFICATION = (
    "De resultaten van de afgelopen twee jaar en de ontwikkeling in werkhouding wijzen op dit niveau. Ouders en "
    "leerling zien dit ook zo."
)
BEVORDEREND = "Gemotiveerd, leert goed van voordoen, betrokken ouders."
BELEMMEREND = "Snel afgeleid in een drukke omgeving; moeite met begrijpend lezen."
GOALS = (
    ("Lezen", "Leest een tekst op het niveau van de groep vlot en zonder fouten.",
     "Elke dag tien minuten herhaald lezen met een maatje; wekelijks extra instructie.",
     "Leerkracht geeft instructie, de onderwijsassistent oefent, ouders lezen thuis mee.",
     "Leestoets bij de volgende meting."),
    ("Rekenen", "Maakt sommen tot 100 met het rekenrek en daarna uit het hoofd.",
     "Korte instructie vooraf in een klein groepje; oefenen met concreet materiaal.",
     "Leerkracht en remedial teacher; de leerling oefent thuis met een app.",
     "Methodetoets en observatie van de leerkracht."),
    ("Werkhouding", "Werkt een kwartier zelfstandig aan een taak.",
     "Een dagplanning met pictogrammen en een timer; complimenten bij elk blok dat lukt.",
     "Leerkracht bespreekt de planning elke ochtend; ouders vragen thuis hoe het ging.",
     "Observatielijst van de leerkracht, twee keer per maand."),
    ("Plannen", "Plant zelf het huiswerk voor een week in de agenda.",
     "Elke maandag samen met de mentor de week doornemen; daarna steeds minder hulp.",
     "Mentor begeleidt, de leerling vult de planner in, ouders kijken op vrijdag mee.",
     "Ingeleverd huiswerk en het gesprek met de mentor."),
    ("Sociaal-emotioneel", "Gaat rustig om met een conflict in de klas.",
     "Oefenen met een stappenplan; de time-outkaart gebruiken voordat het misgaat.",
     "Mentor en zorgcoördinator; docenten melden hoe het gaat.",
     "Aantal time-outs en meldingen per maand."),
)
PARENTS_VIEW = "We herkennen het beeld. Thuis merken we vooral dat het druk in het hoofd is na school."
AGREEMENTS = "Ouders lezen thuis elke avond samen; over zes weken bellen we hoe het gaat."
PUPIL_VIEWS = (
    "Ik vind lezen moeilijk, maar oefenen met mijn maatje is leuk.",
    "Ik wil graag een rustig plekje als het te druk wordt.",
    "Ik wil zelf kunnen plannen, maar soms vergeet ik het.",
)
SCHOOL_RESPONSE = "We nemen dit mee in de aanpak en bespreken het over zes weken opnieuw."
EVALUATION_PARENTS = "Het gaat thuis rustiger; het lezen gaat vooruit, rekenen blijft lastig."
EVALUATION_PUPIL = "Het groepje helpt. Ik wil meer tijd voor rekenen."
END_REASON = (
    "De doelen zijn bereikt; de leerling heeft geen extra ondersteuning meer nodig en volgt het gewone programma."
)
COMMISSIE_ADVICE = (
    "De commissie voor de begeleiding adviseert het plan zo vast te stellen; de doelen passen bij het "
    "uitstroomprofiel. Over een half jaar kijken we samen of de aanpak werkt."
)
