DROP TABLE directory_profiles;
