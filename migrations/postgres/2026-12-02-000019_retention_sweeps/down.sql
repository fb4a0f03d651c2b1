DROP TABLE retention_sweep_leases;
DROP TABLE retention_actions;
DROP TABLE retention_sweep_blocked;
DROP TABLE retention_sweep_policies;
DROP TABLE retention_sweeps;
