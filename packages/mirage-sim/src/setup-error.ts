/**
 * `SimSetupError`: a mistake in how a test sets its simulation up, told apart from a failure of the
 * code under test.
 *
 * @packageDocumentation
 */

/**
 * A mistake in a test's setup (a fault schedule naming a host the world does not have): the test is
 * wrong, not the code it runs, whatever the seed. The sweeps ({@link sweepSeeds}, `sweepSchedules`)
 * throw it as it is, with no seed to replay and no schedule to shrink.
 *
 * @beta
 */
export class SimSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimSetupError";
  }
}
