"""The document types users choose from, editable afterwards in the admin.

Party: Quy định 66-QĐ/TW (2017), carried over by 399-QĐ/TW (2026). State: Decree 30/2020/NĐ-CP,
Appendix III, plus the legal documents a commune receives most (laws, decrees, circulars).
"""

from django.db import migrations

PARTY = [
    ("Nghị quyết", "NQ"),
    ("Quyết định", "QĐ"),
    ("Chỉ thị", "CT"),
    ("Kết luận", "KL"),
    ("Quy chế", "QC"),
    ("Quy định", "QĐi"),
    ("Thông tri", "TT"),
    ("Hướng dẫn", "HD"),
    ("Thông báo", "TB"),
    ("Báo cáo", "BC"),
    ("Kế hoạch", "KH"),
    ("Chương trình", "CTr"),
    ("Đề án", "ĐA"),
    ("Tờ trình", "TTr"),
    ("Công văn", "CV"),
    ("Biên bản", "BB"),
]
STATE = [
    ("Luật", ""),
    ("Nghị định", "NĐ"),
    ("Thông tư", "TT"),
    ("Nghị quyết", "NQ"),
    ("Quyết định", "QĐ"),
    ("Chỉ thị", "CT"),
    ("Quy chế", "QC"),
    ("Quy định", "QyĐ"),
    ("Thông báo", "TB"),
    ("Hướng dẫn", "HD"),
    ("Chương trình", "CTr"),
    ("Kế hoạch", "KH"),
    ("Phương án", "PA"),
    ("Đề án", "ĐA"),
    ("Báo cáo", "BC"),
    ("Tờ trình", "TTr"),
    ("Công văn", ""),
    ("Công điện", "CĐ"),
    ("Biên bản", "BB"),
]


def seed(apps, schema_editor):
    DirectiveType = apps.get_model("directives", "DirectiveType")
    for family, rows in (("party", PARTY), ("state", STATE)):
        for position, (name, code) in enumerate(rows, start=1):
            DirectiveType.objects.update_or_create(
                family=family, name=name, defaults={"code": code, "position": position * 10}
            )


def unseed(apps, schema_editor):
    DirectiveType = apps.get_model("directives", "DirectiveType")
    for family, rows in (("party", PARTY), ("state", STATE)):
        DirectiveType.objects.filter(family=family, name__in=[name for name, _code in rows], directives=None).delete()


class Migration(migrations.Migration):
    dependencies = [("directives", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
