from django.db import migrations, models


class Migration(migrations.Migration):
    """In a migration of its own: on PostgreSQL a table cannot be altered in the transaction that
    updated its rows (pending deferred foreign-key checks)."""

    dependencies = [("projects", "0002_deliverable_year")]

    operations = [
        migrations.AlterField(
            model_name="deliverable",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, verbose_name="year"),
        ),
        migrations.AddIndex(
            model_name="deliverable",
            index=models.Index(
                fields=["year", "indicator"], include=("achieved",), name="projects_deliverable_year"
            ),
        ),
    ]
