"""Migration 0006 indexes the operators written before it: name trigrams and the street and sector lists, exactly
as its triggers then write them for new operators — the search finds old and new alike."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from foodcredit.credit.tests import factories as f
from foodcredit.licences.models import Licence
from foodcredit.operators.models import Operator
from foodcredit.portal import search
from foodcredit.portal.models import SearchGram
from foodcredit.portal.search import SearchQuery

BEFORE, AFTER = ("portal", "0005_public_report"), ("portal", "0006_search_trigrams_and_filters")


def migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def postings_of(operator: Operator) -> set[str]:
    """What a plain reading of the rules gives: bigrams and trigrams of the name (ASCII lower-cased), four-character
    pieces of the codes, the street, the sector and the pair."""
    name = operator.name.lower()
    grams = {name[i : i + k] for k in (2, 3) for i in range(len(name) - k + 1)}
    for code in [operator.uscc, *Licence.objects.filter(operator=operator).values_list("number", flat=True)]:
        grams |= {"#" + code.upper()[i : i + 4] for i in range(len(code) - 3)}
    return grams | {
        f"street={operator.street}",
        f"sector={operator.sector}",
        f"street={operator.street}&sector={operator.sector}",
    }


@pytest.mark.django_db(transaction=True)
def test_operators_written_before_the_migration_are_indexed_like_those_written_after():
    migrate(BEFORE)
    try:
        old = f.operator_register(
            uscc=f.make_uscc(13572468), name="观音桥老火锅店", street="华新街街道", sector=Operator.Sector.CIRCULATION
        )
        f.licence_add(old, on=date(2024, 1, 1), number="JY15001050012345")
        assert not SearchGram.objects.filter(gram="老火锅").exists()  # the old triggers wrote bigrams only
    finally:
        migrate(AFTER)
    new = f.operator_register(
        uscc=f.make_uscc(24681357), name="KFC老火锅店", street="华新街街道", sector=Operator.Sector.CIRCULATION
    )
    for operator in (old, new):
        assert set(SearchGram.objects.filter(operator=operator).values_list("gram", flat=True)) == postings_of(operator)
    found = search.operators_search_public(
        query=SearchQuery(text="老火锅", street="华新街街道", sector=Operator.Sector.CIRCULATION),
        as_of=date(2025, 6, 30),
    )
    assert ([o.pk for o in found.operators], found.total, found.exact) == ([old.pk, new.pk], 2, True)
