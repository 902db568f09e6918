import type { Knex } from 'knex';

/**
 * The supplies overview of a gestoría with tens of thousands of supplies (issue 17 item 4):
 * one row per gestoría and active contract of a client it actively manages, with the overview's
 * order and search texts, so a page, a deep page and the total are one range of one index
 * (`overview_entries_order_idx`) instead of joining every contract, customer and supply point
 * of the gestoría's clients on each page.
 *
 * Kept by triggers, always in the same transaction as the change: a client's rows are rebuilt
 * whenever one of its contracts, its relations with gestorías, its name or tax id, or one of its
 * supply points changes (serialised per client, so two concurrent changes cannot leave a row
 * the other would have removed). The backup copies the table like any other and the restore
 * loads it with triggers off, from the same snapshot.
 *
 * - `search_text`: lower(name), a line break, lower(address as the overview writes it). A search
 *   word holds no whitespace, so `search_text LIKE lower('%word%')` is exactly "the name or the
 *   address ILIKE '%word%'" (ILIKE lower-cases both sides the same way).
 * - `id_text`: tax id, a line break, CUPS: the compact identifier of a word, matched with LIKE.
 */
const ENTRY_SELECT = `
  SELECT em.manager_customer_id, c.id, c.customer_id, cu.name, sp.street, sp.number, sp.energy,
         lower(cu.name) || E'\\n'
           || lower(concat_ws(' ', sp.street, sp.number, sp.floor_door, sp.postal_code, sp.municipality)),
         cu.tax_id || E'\\n' || sp.cups
    FROM contracts c
    JOIN customers cu ON cu.id = c.customer_id
    JOIN supply_points sp ON sp.id = c.supply_point_id
    JOIN external_managers em ON em.customer_id = c.customer_id AND em.status = 'active'
   WHERE c.status = 'active'`;

const COLUMNS = `(manager_customer_id, contract_id, customer_id, customer_name, street, number, energy,
  search_text, id_text)`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE overview_entries (
      manager_customer_id bigint NOT NULL,
      contract_id bigint NOT NULL,
      customer_id bigint NOT NULL,
      customer_name varchar(200) NOT NULL,
      street varchar(150) NOT NULL,
      number varchar(10) NOT NULL,
      energy varchar(12) NOT NULL,
      search_text text NOT NULL,
      id_text text NOT NULL,
      PRIMARY KEY (manager_customer_id, contract_id)
    )`);
  // the overview's order (customers.name, customer, street, number, energy, contract) within a
  // gestoría, the search texts included so a count or a search never visits the table
  await knex.raw(`CREATE INDEX overview_entries_order_idx ON overview_entries
    (manager_customer_id, customer_name, customer_id, street, number, energy, contract_id)
    INCLUDE (search_text, id_text)`);
  // a narrow one for the count without words (energy and the excluded clients tested in it)
  await knex.raw(`CREATE INDEX overview_entries_count_idx ON overview_entries
    (manager_customer_id, energy, customer_id)`);
  // a client's rows, rebuilt by the triggers
  await knex.raw('CREATE INDEX overview_entries_customer_idx ON overview_entries (customer_id)');

  await knex.raw(`
    CREATE FUNCTION overview_entries_refresh(cid bigint) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      IF cid IS NULL THEN RETURN; END IF;
      -- one rebuild of a client at a time; each statement below sees the other's commit
      PERFORM pg_advisory_xact_lock(1869768281, (cid % 2147483647)::int);
      DELETE FROM overview_entries WHERE customer_id = cid;
      INSERT INTO overview_entries ${COLUMNS} ${ENTRY_SELECT} AND c.customer_id = cid;
    END $$`);
  await knex.raw(`
    CREATE FUNCTION overview_entries_by_customer() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN PERFORM overview_entries_refresh(OLD.customer_id); END IF;
      IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.customer_id IS DISTINCT FROM OLD.customer_id) THEN
        PERFORM overview_entries_refresh(NEW.customer_id);
      END IF;
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE FUNCTION overview_entries_by_customer_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM overview_entries_refresh(NEW.id);
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE FUNCTION overview_entries_by_supply_point() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM overview_entries_refresh(x.customer_id)
         FROM (SELECT DISTINCT customer_id FROM contracts WHERE supply_point_id = NEW.id) x;
      RETURN NULL;
    END $$`);
  await knex.raw(`CREATE TRIGGER overview_entries_contracts
    AFTER INSERT OR DELETE OR UPDATE OF status, customer_id, supply_point_id ON contracts
    FOR EACH ROW EXECUTE FUNCTION overview_entries_by_customer()`);
  await knex.raw(`CREATE TRIGGER overview_entries_external_managers
    AFTER INSERT OR DELETE OR UPDATE OF status, customer_id, manager_customer_id ON external_managers
    FOR EACH ROW EXECUTE FUNCTION overview_entries_by_customer()`);
  await knex.raw(`CREATE TRIGGER overview_entries_customers AFTER UPDATE OF name, tax_id
    ON customers FOR EACH ROW EXECUTE FUNCTION overview_entries_by_customer_row()`);
  await knex.raw(`CREATE TRIGGER overview_entries_supply_points
    AFTER UPDATE OF street, number, floor_door, postal_code, municipality, energy, cups ON supply_points
    FOR EACH ROW EXECUTE FUNCTION overview_entries_by_supply_point()`);

  // the rows of an existing database
  await knex.raw(`INSERT INTO overview_entries ${COLUMNS} ${ENTRY_SELECT}`);
  await knex.raw('ANALYZE overview_entries');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS overview_entries_supply_points ON supply_points');
  await knex.raw('DROP TRIGGER IF EXISTS overview_entries_customers ON customers');
  await knex.raw('DROP TRIGGER IF EXISTS overview_entries_external_managers ON external_managers');
  await knex.raw('DROP TRIGGER IF EXISTS overview_entries_contracts ON contracts');
  await knex.raw('DROP FUNCTION IF EXISTS overview_entries_by_supply_point()');
  await knex.raw('DROP FUNCTION IF EXISTS overview_entries_by_customer_row()');
  await knex.raw('DROP FUNCTION IF EXISTS overview_entries_by_customer()');
  await knex.raw('DROP FUNCTION IF EXISTS overview_entries_refresh(bigint)');
  await knex.raw('DROP TABLE IF EXISTS overview_entries');
}
