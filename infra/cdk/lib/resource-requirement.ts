/**
 * A container override's `ResourceRequirements` entry: GPUs (EC2 only) or an inference accelerator of the task
 * definition, as RunTask takes it (`{ Type, Value }`, the value a string).
 */
export class ResourceRequirement {
  /** `count` GPUs for the container. */
  static gpus(count: number): ResourceRequirement {
    return new ResourceRequirement('GPU', String(count));
  }

  /** Every GPU of the instance (`ALL`). */
  static allGpus(): ResourceRequirement {
    return new ResourceRequirement('GPU', 'ALL');
  }

  /** The task definition's inference accelerator named `deviceName`. */
  static inferenceAccelerator(deviceName: string): ResourceRequirement {
    return new ResourceRequirement('InferenceAccelerator', deviceName);
  }

  private constructor(
    /** `GPU` or `InferenceAccelerator`. */
    readonly type: string,
    /** A number of GPUs, `ALL`, or a device name. */
    readonly value: string,
  ) {}
}
