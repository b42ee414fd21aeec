"""Fictional names for the demo: common in the Netherlands, none of them a real person."""

GIRLS = (
    "Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara", "Nora", "Yara", "Eva", "Saar", "Noor",
    "Lotte", "Fenna", "Anna", "Roos", "Liv", "Lina", "Maud", "Evi", "Fleur", "Isa", "Lieke", "Femke",
    "Sanne", "Amira", "Imane", "Hiba", "Elif", "Zeynep", "Nina", "Hanna", "Jasmijn", "Lara", "Fay",
    "Olivia", "Maja", "Zuzanna", "Chanel", "Shanaya", "Rosa", "Vera",
)
BOYS = (
    "Noah", "Liam", "Lucas", "Sem", "Levi", "Finn", "Daan", "Milan", "Luuk", "Bram", "Sven", "Jesse",
    "Thijs", "Mees", "Gijs", "Jayden", "Ties", "Thomas", "Siem", "Jens", "Ruben", "Max", "Tim", "Stijn",
    "Mohamed", "Adam", "Ayoub", "Youssef", "Rayan", "Emir", "Yusuf", "Mert", "Kacper", "Jakub",
    "Dylan", "Jairo", "Quinten", "Wessel", "Teun", "Hugo", "Olivier", "Boaz",
)
WOMEN = (
    "Sanne", "Lisa", "Anne", "Laura", "Marieke", "Esther", "Linda", "Kim", "Iris", "Eline", "Naima",
    "Fatma", "Samira", "Joyce", "Agnieszka", "Nadia", "Mirjam", "Judith", "Wendy", "Manon", "Ilse",
    "Chantal", "Hatice", "Sabrina", "Petra", "Annemiek", "Yvonne", "Latifa",
)
MEN = (
    "Mark", "Jeroen", "Dennis", "Thomas", "Martijn", "Bas", "Rob", "Erik", "Sander", "Niels", "Hasan",
    "Karim", "Ricardo", "Tomasz", "Jasper", "Wouter", "Koen", "Mehmet", "Stefan", "Ahmed", "Ramon",
    "Vincent", "Michiel", "Ferdi", "Patrick", "Joost", "Arjen", "Bilal",
)

# (tussenvoegsel, achternaam)
SURNAMES = (
    ("", "Jansen"), ("de", "Jong"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), ("", "Bakker"),
    ("", "Janssen"), ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"),
    ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"),
    ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"), ("", "Smits"), ("de", "Graaf"),
    ("van der", "Meer"), ("van der", "Linden"), ("", "Kok"), ("", "Jacobs"), ("de", "Haan"),
    ("", "Vermeulen"), ("van den", "Heuvel"), ("van der", "Veen"), ("van den", "Broek"), ("de", "Bruijn"),
    ("van der", "Heijden"), ("", "Schouten"), ("van", "Beek"), ("", "Willems"), ("van", "Vliet"),
    ("van de", "Ven"), ("", "Hoekstra"), ("", "Maas"), ("", "Verhoeven"), ("", "Koster"), ("van", "Dam"),
    ("van der", "Wal"), ("", "Prins"), ("", "Blom"), ("", "Huisman"), ("", "Postma"), ("ter", "Horst"),
    ("", "Yılmaz"), ("", "Kaya"), ("", "Öztürk"), ("", "Demir"), ("el", "Amrani"), ("", "Bouzid"),
    ("", "Tahiri"), ("el", "Idrissi"), ("", "Nowak"), ("", "Kowalski"), ("", "Pinas"), ("", "Biharie"),
    ("", "Nguyen"), ("", "Mohan"), ("", "Wijnberg"), ("", "Veldhuis"), ("van", "Rijn"), ("", "Lammers"),
)
