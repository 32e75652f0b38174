"""Default allocation weights, the settings row, and the market potential of the 21 city branches.

Weights (see the README's "Resource allocation" section):
    attractiveness  value 35 · growth 25 · market potential 25 · satisfaction 15
    capability fit  certification & trained people 40 · product breadth 35 · support behaviour 25
Market potential (0–100) follows the cities' economic weight, Chengdu highest. Re-running leaves
edited rows alone.
"""
from django.db import migrations

WEIGHTS = [
    ("attractiveness", "value", 35),
    ("attractiveness", "growth", 25),
    ("attractiveness", "market_potential", 25),
    ("attractiveness", "satisfaction", 15),
    ("fit", "certification", 40),
    ("fit", "breadth", 35),
    ("fit", "tickets", 25),
]

MARKET_POTENTIAL = {
    "CD": 100, "MY": 72, "DY": 66, "YB": 64, "NC": 62, "LZ": 60, "DZ": 56, "LS": 55, "MS": 52, "ZG": 50,
    "SN": 48, "NJ": 48, "GA": 46, "ZY": 44, "PZH": 45, "GY": 40, "YA": 38, "BZ": 35, "LSZ": 36, "AB": 25,
    "GZ": 24,
}


def load(apps, schema_editor):
    AllocationSettings = apps.get_model("allocation", "AllocationSettings")
    AllocationWeight = apps.get_model("allocation", "AllocationWeight")
    CityMarketPotential = apps.get_model("allocation", "CityMarketPotential")
    CityBranch = apps.get_model("partners", "CityBranch")
    AllocationSettings.objects.get_or_create(pk=1)
    if not AllocationWeight.objects.exists():
        for axis, measure, weight in WEIGHTS:
            AllocationWeight.objects.get_or_create(axis=axis, measure=measure, defaults={"weight": weight})
    for city in CityBranch.objects.filter(code__in=list(MARKET_POTENTIAL)):
        CityMarketPotential.objects.get_or_create(city_id=city.pk, defaults={"score": MARKET_POTENTIAL[city.code]})


class Migration(migrations.Migration):
    dependencies = [
        ("allocation", "0001_initial"),
        ("partners", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
