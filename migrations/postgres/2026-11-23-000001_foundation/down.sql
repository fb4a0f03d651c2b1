DROP TABLE ticket_comments;
DROP TABLE tickets;
DROP TABLE ticket_sequences;
DROP TABLE organisations;
