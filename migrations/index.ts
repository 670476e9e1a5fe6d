import { InitialSchema1764115200000 } from './1764115200000-InitialSchema';

/** Every migration, in order. Listed explicitly so ts-jest and the compiled build load the same set. */
export const MIGRATIONS = [InitialSchema1764115200000];
