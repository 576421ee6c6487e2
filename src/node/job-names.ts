/** The jobs' names, for help text that must not load the jobs themselves (see nodeJobs). */
export const JOB_NAMES = ['housekeeping', 'audit', 'blocklists', 'placement'] as const;
