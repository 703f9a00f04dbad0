"""Name trigrams and the street and sector as postings of portal_searchgram, kept by the same triggers; backfilled.

Measured on a million operators (bench/portal_search.py): a text of three to six characters read from its rarest
bigram walked lists of tens of thousands whose match was sparse (汁店分: rarest bigram 12,628 postings, match
1,783), and a text with a street or sector read the operator row of every posting. With trigrams a three-character
text is one list, and a longer one is driven by its rarest trigram (a few hundred postings at most in the bench's
mix, or the match itself); the filters are lists to intersect like any other — 'street=…', 'sector=…' and the pair
'street=…&sector=…', so that the two filters together are one list. The filter grams are at least seven characters
long and the name grams two or three, the code pieces five starting with '#': no kind can be mistaken for another.
"""

from django.db import migrations, models

ASCII_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ASCII_LOWER = ASCII_UPPER.lower()

PG = f"""
ALTER TABLE portal_searchgram ALTER COLUMN gram TYPE varchar(64);
-- The planner picks merge joins or probes from each list's size: keep the sizes of the thousand longest lists.
ALTER TABLE portal_searchgram ALTER COLUMN gram SET STATISTICS 1000;

CREATE OR REPLACE FUNCTION portal_name_grams(t text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT DISTINCT substr(translate(t, '{ASCII_UPPER}', '{ASCII_LOWER}'), i, k)
  FROM generate_series(2, 3) AS k, generate_series(1, char_length(t) - k + 1) AS i $$;
CREATE FUNCTION portal_filter_grams(street text, sector text) RETURNS SETOF text LANGUAGE sql IMMUTABLE
  PARALLEL SAFE AS $$
  VALUES ('street=' || street), ('sector=' || sector), ('street=' || street || '&sector=' || sector) $$;

CREATE OR REPLACE FUNCTION portal_operators_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO portal_searchgram (gram, operator_id)
    SELECT * FROM (
      SELECT g, n.id FROM new_rows n, portal_name_grams(n.name) g
      UNION ALL SELECT g, n.id FROM new_rows n, portal_code_grams(n.uscc) g
      UNION ALL SELECT g, n.id FROM new_rows n, portal_filter_grams(n.street, n.sector) g) AS p ORDER BY 1, 2
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION portal_operators_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed bigint[];
BEGIN
  SELECT array_agg(n.id) INTO changed FROM new_rows n JOIN old_rows o ON o.id = n.id
   WHERE n.name IS DISTINCT FROM o.name OR n.uscc IS DISTINCT FROM o.uscc
      OR n.street IS DISTINCT FROM o.street OR n.sector IS DISTINCT FROM o.sector;
  IF changed IS NULL THEN RETURN NULL; END IF;
  DELETE FROM portal_searchgram s USING (
      SELECT g, o.id FROM old_rows o, portal_name_grams(o.name) g WHERE o.id = ANY(changed)
      UNION ALL SELECT g, o.id FROM old_rows o, portal_code_grams(o.uscc) g WHERE o.id = ANY(changed)
      UNION ALL SELECT g, o.id FROM old_rows o, portal_filter_grams(o.street, o.sector) g WHERE o.id = ANY(changed)
    ) AS d (g, id)
   WHERE s.gram = d.g AND s.operator_id = d.id;
  INSERT INTO portal_searchgram (gram, operator_id)
    SELECT * FROM (
      SELECT g, n.id FROM new_rows n, portal_name_grams(n.name) g WHERE n.id = ANY(changed)
      UNION ALL SELECT g, n.id FROM new_rows n, portal_filter_grams(n.street, n.sector) g WHERE n.id = ANY(changed)
    ) AS p ORDER BY 1, 2
  ON CONFLICT DO NOTHING;
  PERFORM portal_codes_insert(changed);
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION portal_operators_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM portal_searchgram s USING (
      SELECT g, o.id FROM old_rows o, portal_name_grams(o.name) g
      UNION ALL SELECT g, o.id FROM old_rows o, portal_code_grams(o.uscc) g
      UNION ALL SELECT g, o.id FROM old_rows o, portal_filter_grams(o.street, o.sector) g
      UNION ALL SELECT g, l.operator_id FROM licences_licence l, portal_code_grams(l.number) g
                WHERE l.operator_id IN (SELECT id FROM old_rows)) AS d (g, id)
   WHERE s.gram = d.g AND s.operator_id = d.id;
  RETURN NULL;
END $$;

INSERT INTO portal_searchgram (gram, operator_id)
  SELECT * FROM (
    SELECT g, o.id FROM operators_operator o, portal_name_grams(o.name) g WHERE char_length(g) = 3
    UNION ALL SELECT g, o.id FROM operators_operator o, portal_filter_grams(o.street, o.sector) g) AS p
  ORDER BY 1, 2
ON CONFLICT DO NOTHING;
"""

PG_BACKWARD = f"""
CREATE OR REPLACE FUNCTION portal_name_grams(t text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT DISTINCT substr(translate(t, '{ASCII_UPPER}', '{ASCII_LOWER}'), i, 2)
  FROM generate_series(1, char_length(t) - 1) AS i $$;
DELETE FROM portal_searchgram WHERE char_length(gram) = 3 OR gram LIKE 'street=%' OR gram LIKE 'sector=%';
CREATE OR REPLACE FUNCTION portal_operators_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO portal_searchgram (gram, operator_id)
    SELECT * FROM (
      SELECT g, n.id FROM new_rows n, portal_name_grams(n.name) g
      UNION ALL SELECT g, n.id FROM new_rows n, portal_code_grams(n.uscc) g) AS p ORDER BY 1, 2
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION portal_operators_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed bigint[];
BEGIN
  SELECT array_agg(n.id) INTO changed FROM new_rows n JOIN old_rows o ON o.id = n.id
   WHERE n.name IS DISTINCT FROM o.name OR n.uscc IS DISTINCT FROM o.uscc;
  IF changed IS NULL THEN RETURN NULL; END IF;
  DELETE FROM portal_searchgram s USING (
      SELECT g, o.id FROM old_rows o, portal_name_grams(o.name) g WHERE o.id = ANY(changed)
      UNION ALL SELECT g, o.id FROM old_rows o, portal_code_grams(o.uscc) g WHERE o.id = ANY(changed)) AS d (g, id)
   WHERE s.gram = d.g AND s.operator_id = d.id;
  INSERT INTO portal_searchgram (gram, operator_id)
    SELECT * FROM (SELECT g, n.id FROM new_rows n, portal_name_grams(n.name) g WHERE n.id = ANY(changed)) AS p
    ORDER BY 1, 2
  ON CONFLICT DO NOTHING;
  PERFORM portal_codes_insert(changed);
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION portal_operators_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM portal_searchgram s USING (
      SELECT g, o.id FROM old_rows o, portal_name_grams(o.name) g
      UNION ALL SELECT g, o.id FROM old_rows o, portal_code_grams(o.uscc) g
      UNION ALL SELECT g, l.operator_id FROM licences_licence l, portal_code_grams(l.number) g
                WHERE l.operator_id IN (SELECT id FROM old_rows)) AS d (g, id)
   WHERE s.gram = d.g AND s.operator_id = d.id;
  RETURN NULL;
END $$;
DROP FUNCTION IF EXISTS portal_filter_grams(text, text);
"""


def _name_grams(row: str) -> str:
    """The bigrams and trigrams of a row's name, lower-cased in ASCII as the query side does."""
    return (
        f"SELECT substr(lower({row}.name), p.n, 2) AS g FROM portal_searchposition p WHERE p.n < length({row}.name)"
        f" UNION ALL SELECT substr(lower({row}.name), p.n, 3) FROM portal_searchposition p"
        f" WHERE p.n < length({row}.name) - 1"
    )


def _filter_grams(row: str) -> str:
    return (
        f"SELECT 'street=' || {row}.street UNION ALL SELECT 'sector=' || {row}.sector"
        f" UNION ALL SELECT 'street=' || {row}.street || '&sector=' || {row}.sector"
    )


def _code_grams(row: str, column: str) -> str:
    return (
        f"SELECT '#' || substr(upper({row}.{column}), p.n, 4) FROM portal_searchposition p"
        f" WHERE p.n <= length({row}.{column}) - 3"
    )


def _insert_codes(operator: str) -> str:
    """The '#' pieces of one operator from its current USCC and licences."""
    return f"""
    INSERT OR IGNORE INTO portal_searchgram (gram, operator_id)
      SELECT '#' || substr(upper(o.uscc), p.n, 4), o.id FROM operators_operator o, portal_searchposition p
      WHERE o.id = {operator} AND p.n <= length(o.uscc) - 3;
    INSERT OR IGNORE INTO portal_searchgram (gram, operator_id)
      SELECT '#' || substr(upper(l.number), p.n, 4), l.operator_id FROM licences_licence l, portal_searchposition p
      WHERE l.operator_id = {operator} AND p.n <= length(l.number) - 3;"""


SQLITE_DROP = [f"DROP TRIGGER IF EXISTS portal_operators_{t}" for t in ("ai", "au", "ad")]

SQLITE = [
    *SQLITE_DROP,
    f"""CREATE TRIGGER portal_operators_ai AFTER INSERT ON operators_operator BEGIN
      INSERT OR IGNORE INTO portal_searchgram (gram, operator_id)
        SELECT g, NEW.id FROM ({_name_grams("NEW")} UNION ALL {_code_grams("NEW", "uscc")}
                                 UNION ALL {_filter_grams("NEW")});
    END""",
    f"""CREATE TRIGGER portal_operators_au AFTER UPDATE OF name, uscc, street, sector ON operators_operator
    WHEN NEW.name IS NOT OLD.name OR NEW.uscc IS NOT OLD.uscc OR NEW.street IS NOT OLD.street
      OR NEW.sector IS NOT OLD.sector BEGIN
      DELETE FROM portal_searchgram WHERE operator_id = OLD.id
        AND gram IN ({_name_grams("OLD")} UNION ALL {_code_grams("OLD", "uscc")} UNION ALL {_filter_grams("OLD")});
      INSERT OR IGNORE INTO portal_searchgram (gram, operator_id)
        SELECT g, NEW.id FROM ({_name_grams("NEW")} UNION ALL {_filter_grams("NEW")});
      {_insert_codes("NEW.id")}
    END""",
    f"""CREATE TRIGGER portal_operators_ad AFTER DELETE ON operators_operator BEGIN
      DELETE FROM portal_searchgram WHERE operator_id = OLD.id
        AND gram IN ({_name_grams("OLD")} UNION ALL {_code_grams("OLD", "uscc")} UNION ALL {_filter_grams("OLD")}
                     UNION ALL SELECT '#' || substr(upper(l.number), p.n, 4)
                     FROM licences_licence l, portal_searchposition p
                     WHERE l.operator_id = OLD.id AND p.n <= length(l.number) - 3);
    END""",
    """INSERT OR IGNORE INTO portal_searchgram (gram, operator_id)
      SELECT * FROM (
        SELECT substr(lower(o.name), p.n, 3) AS g, o.id FROM operators_operator o, portal_searchposition p
        WHERE p.n < length(o.name) - 1
        UNION ALL SELECT 'street=' || o.street, o.id FROM operators_operator o
        UNION ALL SELECT 'sector=' || o.sector, o.id FROM operators_operator o
        UNION ALL SELECT 'street=' || o.street || '&sector=' || o.sector, o.id FROM operators_operator o)
      ORDER BY 1, 2""",
]

SQLITE_BACKWARD = [
    *SQLITE_DROP,
    "DELETE FROM portal_searchgram WHERE length(gram) = 3 OR gram LIKE 'street=%' OR gram LIKE 'sector=%'",
    # 0004's operator triggers again
]


def forward(apps, schema_editor):  # noqa: ANN001, ARG001
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PG)  # no parameters: the '%' of LIKE patterns stays as written
    elif vendor == "sqlite":  # varchar lengths are not enforced: only the triggers and the postings change
        for statement in SQLITE:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(vendor)


def backward(apps, schema_editor):  # noqa: ANN001, ARG001
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        from importlib import import_module

        previous = import_module("foodcredit.portal.migrations.0004_search_gram_triggers_by_key")
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)
        for statement in previous.SQLITE:
            if "ON operators_operator" in statement:
                schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_public_report")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="searchgram", name="gram", field=models.CharField(max_length=64, verbose_name="片段")
                )
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        ),
    ]
