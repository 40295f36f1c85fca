-- The example database of this connector: SQLite, created from this script by the tests
-- (tests/example_system.py) and by `make run-local` / `make test-connection` when the
-- database URL variable is unset (local_harness.examples). It holds what the connector
-- must ingest faithfully: tables and views, single and composite primary keys, NOT NULL
-- columns, names with spaces and dots (quoted in OpenMetadata's FQNs), and comments in
-- the SQL, which SQLite keeps verbatim in each view's definition. SQLite has no table or
-- column comments and no stored procedures: descriptions stay empty here.

CREATE TABLE customers (
    customer_id INTEGER NOT NULL PRIMARY KEY,
    email VARCHAR(320) NOT NULL,  -- where receipts go
    created_at TIMESTAMP
);

CREATE TABLE orders (
    order_id BIGINT NOT NULL PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (customer_id),
    amount DECIMAL(10, 2),
    status VARCHAR(20) DEFAULT 'placed',  -- placed, paid, shipped or cancelled
    ordered_at TIMESTAMP
);

-- A composite key, and a name with a space.
CREATE TABLE "order lines" (
    order_id BIGINT NOT NULL REFERENCES orders (order_id),
    line_number INTEGER NOT NULL,
    product_code VARCHAR(32) NOT NULL,
    quantity INTEGER,
    PRIMARY KEY (order_id, line_number)
);

-- Names with dots: a table and one of its columns.
CREATE TABLE "sales.targets 2026" (
    "region.name" VARCHAR(40) NOT NULL,
    quarter SMALLINT NOT NULL,
    target DECIMAL(12, 2),
    PRIMARY KEY ("region.name", quarter)
);

-- Left out by connector.yaml's tableFilterPattern (excludes ^tmp_).
CREATE TABLE tmp_orders_load (
    payload JSON,
    loaded_at TIMESTAMP
);

CREATE VIEW daily_revenue AS
    -- revenue per day, paid and shipped orders only
    SELECT date(ordered_at) AS day, SUM(amount) AS revenue
    FROM orders
    WHERE status IN ('paid', 'shipped')
    GROUP BY date(ordered_at);

CREATE VIEW "big spenders" AS
    SELECT c.customer_id, c.email, SUM(o.amount) AS spent
    FROM customers AS c JOIN orders AS o ON o.customer_id = c.customer_id
    GROUP BY c.customer_id, c.email
    HAVING SUM(o.amount) > 1000;

INSERT INTO customers VALUES (1, 'ada@example.com', '2026-01-05 09:30:00');
INSERT INTO customers VALUES (2, 'alan@example.com', '2026-02-11 14:00:00');
INSERT INTO orders VALUES (100, 1, 1200.00, 'paid', '2026-03-01 10:00:00');
INSERT INTO orders VALUES (101, 2, 35.50, 'shipped', '2026-03-01 11:15:00');
INSERT INTO "order lines" VALUES (100, 1, 'BOOK-001', 2);
INSERT INTO "order lines" VALUES (100, 2, 'PEN-010', 10);
INSERT INTO "sales.targets 2026" VALUES ('north.east', 1, 50000.00);
