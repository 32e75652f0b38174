"""Sichuan's prefecture-level city branches and the three core partner types."""
from django.db import migrations

CITIES = [
    ("CD", "Chengdu", "成都"),
    ("ZG", "Zigong", "自贡"),
    ("PZH", "Panzhihua", "攀枝花"),
    ("LZ", "Luzhou", "泸州"),
    ("DY", "Deyang", "德阳"),
    ("MY", "Mianyang", "绵阳"),
    ("GY", "Guangyuan", "广元"),
    ("SN", "Suining", "遂宁"),
    ("NJ", "Neijiang", "内江"),
    ("LS", "Leshan", "乐山"),
    ("NC", "Nanchong", "南充"),
    ("MS", "Meishan", "眉山"),
    ("YB", "Yibin", "宜宾"),
    ("GA", "Guang'an", "广安"),
    ("DZ", "Dazhou", "达州"),
    ("YA", "Ya'an", "雅安"),
    ("BZ", "Bazhong", "巴中"),
    ("ZY", "Ziyang", "资阳"),
    ("AB", "Aba", "阿坝"),
    ("GZ", "Garzê", "甘孜"),
    ("LSZ", "Liangshan", "凉山"),
]

TYPES = [
    ("SA", "Sales agent", "销售代理"),
    ("ISV", "Independent software vendor", "独立软件开发商"),
    ("SI", "System integrator", "系统集成商"),
]


def load(apps, schema_editor):
    CityBranch = apps.get_model("partners", "CityBranch")
    PartnerType = apps.get_model("partners", "PartnerType")
    for order, (code, name, name_zh) in enumerate(CITIES):
        CityBranch.objects.update_or_create(code=code, defaults={"name": name, "name_zh": name_zh, "sort_order": order})
    for code, name, name_zh in TYPES:
        PartnerType.objects.update_or_create(code=code, defaults={"name": name, "name_zh": name_zh, "is_core": True})


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
