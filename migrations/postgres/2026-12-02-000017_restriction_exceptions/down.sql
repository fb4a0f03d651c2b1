DROP INDEX restrictions_in_force;
DROP TABLE restriction_exceptions;
