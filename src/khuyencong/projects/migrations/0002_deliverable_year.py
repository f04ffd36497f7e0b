from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_project_year(apps, schema_editor):
    Deliverable = apps.get_model("projects", "Deliverable")
    Project = apps.get_model("projects", "Project")
    Deliverable.objects.update(year=Subquery(Project.objects.filter(pk=OuterRef("project")).values("year")[:1]))


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="deliverable",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="year"),
        ),
        migrations.RunPython(copy_project_year, migrations.RunPython.noop, elidable=True),
    ]
