"""The search triggers, rewritten to need no index on operator_id and to write postings in key order.

Measured on a million operators (bench/portal_search.py): with the operator_id index and unsorted inserts, the
postings of a COPY went into two B-trees at random places and PostgreSQL wrote some 20 million in five minutes.
Now a change deletes the postings of the old text by primary key (the old name's bigrams, the old codes' pieces), and
the statement triggers insert in (gram, operator) order: one B-tree, appended to in order.
"""

from django.db import migrations


PG = """
DROP TRIGGER IF EXISTS portal_operators_ai ON operators_operator; DROP TRIGGER IF EXISTS portal_operators_au ON operators_operator;
DROP TRIGGER IF EXISTS portal_operators_ad ON operators_operator; DROP TRIGGER IF EXISTS portal_licences_ai ON licences_licence;
DROP TRIGGER IF EXISTS portal_licences_au ON licences_licence; DROP TRIGGER IF EXISTS portal_licences_ad ON licences_licence;
DROP FUNCTION IF EXISTS portal_operators_inserted(); DROP FUNCTION IF EXISTS portal_operators_updated();
DROP FUNCTION IF EXISTS portal_operators_deleted(); DROP FUNCTION IF EXISTS portal_licences_inserted();
DROP FUNCTION IF EXISTS portal_licences_updated(); DROP FUNCTION IF EXISTS portal_licences_deleted();
DROP FUNCTION IF EXISTS portal_codes_rebuild(bigint[]);

-- The postings of operators `ids` from their current USCC and licences (after a deletion of shared pieces).
CREATE FUNCTION portal_codes_insert(ids bigint[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO portal_searchgram (gram, operator_id)
    SELECT * FROM (
      SELECT g, o.id FROM operators_operator o, portal_code_grams(o.uscc) g WHERE o.id = ANY(ids)
      UNION SELECT g, l.operator_id FROM licences_licence l, portal_code_grams(l.number) g
            WHERE l.operator_id = ANY(ids)) AS p ORDER BY 1, 2
  ON CONFLICT DO NOTHING $$;

CREATE FUNCTION portal_operators_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO portal_searchgram (gram, operator_id)
    SELECT * FROM (
      SELECT g, n.id FROM new_rows n, portal_name_grams(n.name) g
      UNION ALL SELECT g, n.id FROM new_rows n, portal_code_grams(n.uscc) g) AS p ORDER BY 1, 2
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE FUNCTION portal_operators_updated() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE FUNCTION portal_operators_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM portal_searchgram s USING (
      SELECT g, o.id FROM old_rows o, portal_name_grams(o.name) g
      UNION ALL SELECT g, o.id FROM old_rows o, portal_code_grams(o.uscc) g
      UNION ALL SELECT g, l.operator_id FROM licences_licence l, portal_code_grams(l.number) g
                WHERE l.operator_id IN (SELECT id FROM old_rows)) AS d (g, id)
   WHERE s.gram = d.g AND s.operator_id = d.id;
  RETURN NULL;
END $$;
CREATE FUNCTION portal_licences_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO portal_searchgram (gram, operator_id)
    SELECT * FROM (SELECT g, n.operator_id FROM new_rows n, portal_code_grams(n.number) g) AS p ORDER BY 1, 2
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE FUNCTION portal_licences_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed bigint[];
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT array_agg(DISTINCT x) INTO changed FROM (
      SELECT o.operator_id AS x FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE n.number IS DISTINCT FROM o.number OR n.operator_id IS DISTINCT FROM o.operator_id
      UNION SELECT n.operator_id FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE n.number IS DISTINCT FROM o.number OR n.operator_id IS DISTINCT FROM o.operator_id) AS c;
  ELSE
    SELECT array_agg(DISTINCT operator_id) INTO changed FROM old_rows;
  END IF;
  IF changed IS NULL THEN RETURN NULL; END IF;
  DELETE FROM portal_searchgram s USING (
      SELECT g, o.operator_id FROM old_rows o, portal_code_grams(o.number) g) AS d (g, id)
   WHERE s.gram = d.g AND s.operator_id = d.id;
  PERFORM portal_codes_insert(changed);
  RETURN NULL;
END $$;

CREATE TRIGGER portal_operators_ai AFTER INSERT ON operators_operator REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION portal_operators_inserted();
CREATE TRIGGER portal_operators_au AFTER UPDATE ON operators_operator
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION portal_operators_updated();
CREATE TRIGGER portal_operators_ad AFTER DELETE ON operators_operator REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION portal_operators_deleted();
CREATE TRIGGER portal_licences_ai AFTER INSERT ON licences_licence REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION portal_licences_inserted();
CREATE TRIGGER portal_licences_au AFTER UPDATE ON licences_licence
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION portal_licences_changed();
CREATE TRIGGER portal_licences_ad AFTER DELETE ON licences_licence REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION portal_licences_changed();
"""


def _name_grams(row: str) -> str:
    return f"SELECT substr(lower({row}.name), p.n, 2) FROM portal_searchposition p WHERE p.n < length({row}.name)"


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


SQLITE = [
    # 0003 dropped all six (SQLite rebuilt the table under them).
    """CREATE TRIGGER portal_operators_ai AFTER INSERT ON operators_operator BEGIN
      INSERT OR IGNORE INTO portal_searchgram (gram, operator_id)
        SELECT substr(lower(NEW.name), p.n, 2), NEW.id FROM portal_searchposition p WHERE p.n < length(NEW.name);
      INSERT OR IGNORE INTO portal_searchgram (gram, operator_id)
        SELECT '#' || substr(upper(NEW.uscc), p.n, 4), NEW.id FROM portal_searchposition p
        WHERE p.n <= length(NEW.uscc) - 3;
    END""",
    """CREATE TRIGGER portal_licences_ai AFTER INSERT ON licences_licence BEGIN
      INSERT OR IGNORE INTO portal_searchgram (gram, operator_id)
        SELECT '#' || substr(upper(NEW.number), p.n, 4), NEW.operator_id FROM portal_searchposition p
        WHERE p.n <= length(NEW.number) - 3;
    END""",
    f"""CREATE TRIGGER portal_operators_au AFTER UPDATE OF name, uscc ON operators_operator
    WHEN NEW.name IS NOT OLD.name OR NEW.uscc IS NOT OLD.uscc BEGIN
      DELETE FROM portal_searchgram WHERE operator_id = OLD.id
        AND gram IN ({_name_grams("OLD")} UNION ALL {_code_grams("OLD", "uscc")});
      INSERT OR IGNORE INTO portal_searchgram (gram, operator_id)
        SELECT substr(lower(NEW.name), p.n, 2), NEW.id FROM portal_searchposition p WHERE p.n < length(NEW.name);
      {_insert_codes("NEW.id")}
    END""",
    f"""CREATE TRIGGER portal_operators_ad AFTER DELETE ON operators_operator BEGIN
      DELETE FROM portal_searchgram WHERE operator_id = OLD.id
        AND gram IN ({_name_grams("OLD")} UNION ALL {_code_grams("OLD", "uscc")}
                     UNION ALL SELECT '#' || substr(upper(l.number), p.n, 4)
                     FROM licences_licence l, portal_searchposition p
                     WHERE l.operator_id = OLD.id AND p.n <= length(l.number) - 3);
    END""",
    f"""CREATE TRIGGER portal_licences_au AFTER UPDATE OF number, operator_id ON licences_licence
    WHEN NEW.number IS NOT OLD.number OR NEW.operator_id IS NOT OLD.operator_id BEGIN
      DELETE FROM portal_searchgram WHERE operator_id = OLD.operator_id AND gram IN ({_code_grams("OLD", "number")});
      {_insert_codes("OLD.operator_id")}
      {_insert_codes("NEW.operator_id")}
    END""",
    f"""CREATE TRIGGER portal_licences_ad AFTER DELETE ON licences_licence BEGIN
      DELETE FROM portal_searchgram WHERE operator_id = OLD.operator_id AND gram IN ({_code_grams("OLD", "number")});
      {_insert_codes("OLD.operator_id")}
    END""",
]


def forward(apps, schema_editor):  # noqa: ANN001, ARG001
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PG)  # no parameters: the '%' of LIKE patterns stays as written
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(vendor)


PG_BACKWARD = """
DROP TRIGGER IF EXISTS portal_operators_ai ON operators_operator;
DROP TRIGGER IF EXISTS portal_operators_au ON operators_operator;
DROP TRIGGER IF EXISTS portal_operators_ad ON operators_operator;
DROP TRIGGER IF EXISTS portal_licences_ai ON licences_licence;
DROP TRIGGER IF EXISTS portal_licences_au ON licences_licence;
DROP TRIGGER IF EXISTS portal_licences_ad ON licences_licence;
DROP FUNCTION IF EXISTS portal_operators_inserted(); DROP FUNCTION IF EXISTS portal_operators_updated();
DROP FUNCTION IF EXISTS portal_operators_deleted(); DROP FUNCTION IF EXISTS portal_licences_inserted();
DROP FUNCTION IF EXISTS portal_licences_changed(); DROP FUNCTION IF EXISTS portal_codes_insert(bigint[]);
"""


def backward(apps, schema_editor):  # noqa: ANN001, ARG001
    """Back to no triggers (0002's backward then drops the rest); a later forward run rebuilds them all."""
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PG_BACKWARD)
    elif schema_editor.connection.vendor == "sqlite":
        for name in ("operators_ai", "operators_au", "operators_ad", "licences_ai", "licences_au", "licences_ad"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS portal_{name}")


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_search_gram_no_operator_index")]

    operations = [migrations.RunPython(forward, backward)]
