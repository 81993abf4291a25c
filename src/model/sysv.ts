/**
 * SysV shared memory as pmap recognises it in maps.
 */

/**
 * discover_shm_minor() starts its result at ~0u: no mapping's device minor
 * is that, so with no segment found no mapping is labelled "[ shmid=… ]".
 */
export const NO_SHM_MINOR = 0xffff_ffff;
