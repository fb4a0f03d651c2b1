DROP TABLE rights_requests;
