from django.core.management import call_command

from khuyencong.establishments.models import Establishment
from khuyencong.events.models import (
    ArtisanTitle,
    Fair,
    FairParticipation,
    ProductSelection,
    SelectionEntry,
    Training,
)


def test_demo_events_are_seeded_once_and_set_the_priority_flags(world):
    call_command("seed_demo", verbosity=0)
    counts = (Fair.objects.count(), FairParticipation.objects.count(), SelectionEntry.objects.count())
    assert counts[0] >= 10  # the test world lacks the provinces of a few demo fairs
    assert counts[1] > 40
    selection = ProductSelection.objects.get(year=2025, unit__code="56")
    certified = selection.entries.filter(result="certified")
    assert certified.exists()
    assert not selection.entries.filter(result="pending").exists()
    assert all(e.total_score >= selection.pass_score for e in certified)
    flagged = set(Establishment.objects.filter(typical_product=True).values_list("pk", flat=True))
    assert flagged == set(certified.values_list("establishment_id", flat=True))
    assert ArtisanTitle.objects.count() == 4
    assert Training.objects.filter(trainees__isnull=False).distinct().count() == 1
    assert set(Fair.objects.values_list("start_date__year", flat=True)) == {2024, 2025, 2026}
    call_command("seed_demo", verbosity=0)
    assert (Fair.objects.count(), FairParticipation.objects.count(), SelectionEntry.objects.count()) == counts
