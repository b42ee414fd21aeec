"""Sensible default destinations, leerroutes and uitstroomprofielen; schools' admins can change the list."""

from django.db import migrations

PO = "bao,sbo,so"
OPTIONS = [
    # (code, label, school types, order)
    ("praktijkonderwijs", "praktijkonderwijs", f"{PO},vo", 10),
    ("vmbo-bb", "vmbo basisberoepsgerichte leerweg", f"{PO},vo", 20),
    ("vmbo-kb", "vmbo kaderberoepsgerichte leerweg", f"{PO},vo", 30),
    ("vmbo-gl-tl", "vmbo gemengde/theoretische leerweg", f"{PO},vo", 40),
    ("havo", "havo", f"{PO},vo", 50),
    ("vwo", "vwo", f"{PO},vo", 60),
    ("vso", "voortgezet speciaal onderwijs", f"{PO},vo", 70),
    ("bao", "regulier basisonderwijs (terugplaatsing)", "sbo,so", 80),
    ("sbo", "speciaal basisonderwijs", "so", 90),
    ("so", "speciaal onderwijs", "sbo", 100),
    ("vervolgonderwijs", "uitstroomprofiel vervolgonderwijs", "vo,pro,vso", 110),
    ("arbeidsmarkt", "uitstroomprofiel arbeidsmarkt", "vo,pro,vso", 120),
    ("dagbesteding", "uitstroomprofiel dagbesteding", "pro,vso", 130),
]


def seed(apps, schema_editor):
    UitstroomOption = apps.get_model("plans", "UitstroomOption")
    for code, label, school_types, order in OPTIONS:
        UitstroomOption.objects.get_or_create(
            code=code, defaults={"label": label, "school_types": school_types, "order": order}
        )


def unseed(apps, schema_editor):
    UitstroomOption = apps.get_model("plans", "UitstroomOption")
    Opp = apps.get_model("plans", "Opp")
    used = Opp.objects.filter(uitstroom_option__isnull=False).values("uitstroom_option_id")
    UitstroomOption.objects.filter(code__in=[o[0] for o in OPTIONS]).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
