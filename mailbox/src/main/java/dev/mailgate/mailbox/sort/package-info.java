/**
 * SORT and THREAD (RFC 5256, with the DISPLAYFROM / DISPLAYTO keys of RFC 5957): base-subject
 * extraction, the i;ascii-casemap collation, the sort order, the ORDEREDSUBJECT and REFERENCES
 * threading algorithms, and the reading of the fields they need from the store. Free of IMAP
 * syntax: the IMAP session maps its parsed commands onto {@link
 * dev.mailgate.mailbox.sort.SortCriterion} and writes {@link dev.mailgate.mailbox.sort.ThreadNode}
 * trees in the THREAD response form.
 */
package dev.mailgate.mailbox.sort;
