"""The public search's own index: short substrings of every operator's name and codes (see `search.py`)."""

from django.db import models


class SearchGram(models.Model):
    """One posting of the public search: `gram` occurs in the operator's name (a two-character bigram, lower-cased)
    or, prefixed with '#', in its USCC or one of its licence numbers (a four-character piece, upper-cased).

    Written only by database triggers (migration 0001), so that every writer of operators and licences — services,
    the bulk importers' COPY and ON CONFLICT, seeding — keeps it exact without knowing it exists. Trigram indexes
    (pg_trgm, SQLite FTS5) cannot answer two-character queries, the common case in Chinese; bigram postings can.
    """

    pk = models.CompositePrimaryKey("gram", "operator")
    gram = models.CharField("片段", max_length=5)
    # No index of its own: the triggers delete postings by the primary key (the old text's grams), so that a bulk
    # load writes one B-tree, in order.
    operator = models.ForeignKey(
        "operators.Operator",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name="经营主体",
    )

    class Meta:
        verbose_name = "检索片段"
        verbose_name_plural = "检索片段"

    def __str__(self) -> str:
        return self.gram
