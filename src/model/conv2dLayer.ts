// The 3×3 convolutions of our U-Nets: tfjs-layers' Conv2D (same weights, config and results),
// whose call on 'wasm' runs the UNetConv2D kernel (src/backend/kernels/conv2dActivation.ts): the
// ReLU stays fused into XNNPACK's conv while training, ReLU's gradient is two passes, and the input
// gradient is only computed when something upstream needs it (never for the image). Elsewhere
// (webgl, webgpu, cpu, wasm without our kernels, or a config the kernel does not cover) it is the
// stock layer, call for call. Serialised as 'UNetConv2D'.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Conv2D, ConvLayerArgs } from '@tensorflow/tfjs-layers/dist/layers/convolutional.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { CONV2D_ACTIVATION } from '../backend/kernels/conv2dActivation.js';

/** The stock layer's fields we read (tfjs-layers 4.22). */
interface ConvInternals {
  kernel: tfl.LayerVariable;
  bias: tfl.LayerVariable | null;
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number | number[];
  activation: { getClassName(): string };
}

// As for UNetBatchNorm: the class is not exported at runtime, so take it from an instance.
const StockConv2D = tfl.layers.conv2d({ filters: 1, kernelSize: 1, name: 'unet_conv_probe' })
  .constructor as typeof Conv2D;

function fusedConvAvailable(): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(CONV2D_ACTIVATION, 'wasm') !== undefined;
}

/** tfjs-layers' Conv2D with the UNetConv2D kernel on 'wasm'. Takes the same arguments. */
export class UNetConv2D extends StockConv2D {
  static override className = 'UNetConv2D';

  constructor(args: ConvLayerArgs) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
    const me = this as unknown as ConvInternals;
    const activation = me.activation.getClassName();
    const dilation = Array.isArray(me.dilationRate) ? me.dilationRate : [me.dilationRate, me.dilationRate];
    if (
      x === undefined ||
      x.rank !== 4 ||
      x.dtype !== 'float32' ||
      me.dataFormat !== 'channelsLast' ||
      (me.padding !== 'same' && me.padding !== 'valid') ||
      dilation.some((d) => d !== 1) ||
      (activation !== 'relu' && activation !== 'linear') ||
      !fusedConvAvailable()
    ) {
      return super.call(inputs, kwargs);
    }
    const conv: Record<string, tf.Tensor> = { x, filter: me.kernel.read() };
    if (me.bias !== null) conv['bias'] = me.bias.read();
    return tf.engine().runKernel(CONV2D_ACTIVATION, conv, {
      strides: [me.strides[0]!, me.strides[1]!],
      pad: me.padding,
      activation,
    }) as tf.Tensor;
  }
}

tf.serialization.registerClass(UNetConv2D);

/** Creates a {@link UNetConv2D} layer (arguments as `tf.layers.conv2d`). */
export function unetConv2d(args: ConvLayerArgs): UNetConv2D {
  return new UNetConv2D(args);
}
