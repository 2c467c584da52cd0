"""Operations tooling: the native production topology, the smoke journey, fault drills, load and backups."""
