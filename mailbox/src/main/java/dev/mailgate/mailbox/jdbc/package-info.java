/** JDBC plumbing shared by the SQL mail stores (SQLite and PostgreSQL). */
package dev.mailgate.mailbox.jdbc;
