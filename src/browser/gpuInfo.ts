// What GPU the page really has: the unmasked WebGL renderer (SwiftShader means software) and,
// when exposed, the WebGPU adapter.

/** Renderer strings of the page's WebGL and WebGPU. */
export interface GpuInfo {
  /** UNMASKED_RENDERER_WEBGL, or null without WebGL. */
  webglRenderer: string | null;
  webglVendor: string | null;
  webgl2: boolean;
  /** WebGPU adapter description ("vendor architecture device"), or null without WebGPU. */
  webgpuAdapter: string | null;
  /**
   * Why there is no WebGPU adapter ("WebGPU unavailable: …"), or null when there is one.
   * (Optional only so that hand-made GpuInfo values stay valid; `gpuInfo()` always sets it.)
   */
  webgpuUnavailable?: string | null;
  /** True when WebGL renders in software (SwiftShader / llvmpipe): training will be slow. */
  software: boolean;
  /** True when the WebGPU adapter is a software one (SwiftShader). `gpuInfo()` always sets it. */
  webgpuSoftware?: boolean;
  /** Whether the page is cross-origin isolated (SharedArrayBuffer, threaded tfjs-wasm). */
  crossOriginIsolated: boolean;
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

/** Probes WebGL (and WebGPU when present) in the current page. */
export async function gpuInfo(): Promise<GpuInfo> {
  let webglRenderer: string | null = null;
  let webglVendor: string | null = null;
  let webgl2 = false;
  if (typeof document !== 'undefined') {
    const canvas = document.createElement('canvas');
    const gl2 = canvas.getContext('webgl2');
    webgl2 = gl2 !== null;
    const gl = gl2 ?? canvas.getContext('webgl');
    if (gl) {
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      webglRenderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
      webglVendor = String(gl.getParameter(ext ? ext.UNMASKED_VENDOR_WEBGL : gl.VENDOR));
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  }
  let webgpuAdapter: string | null = null;
  let webgpuUnavailable: string | null = null;
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } })?.gpu;
  if (!gpu) {
    webgpuUnavailable =
      'WebGPU unavailable: navigator.gpu does not exist (not a secure context, or WebGPU is disabled; ' +
      'Chromium on Linux needs --enable-unsafe-webgpu)';
  } else {
    try {
      const adapter = await gpu.requestAdapter();
      if (adapter) {
        const i = adapter.info ?? {};
        webgpuAdapter =
          [i.vendor, i.architecture, i.device, i.description].filter((s) => s).join(' ') || 'unknown adapter';
      } else {
        webgpuUnavailable =
          'WebGPU unavailable: navigator.gpu.requestAdapter() returned null (no usable GPU adapter; ' +
          'without a GPU, Chromium needs --enable-unsafe-webgpu and --enable-unsafe-swiftshader)';
      }
    } catch (e) {
      webgpuUnavailable = `WebGPU unavailable: navigator.gpu.requestAdapter() failed: ${(e as Error).message}`;
    }
  }
  const software = /swiftshader|llvmpipe|software|basic render/i.test(`${webglRenderer} ${webglVendor}`);
  const webgpuSoftware =
    webgpuAdapter !== null && /swiftshader|llvmpipe|software|fallback/i.test(webgpuAdapter);
  const g = globalThis as { crossOriginIsolated?: boolean };
  return {
    webglRenderer,
    webglVendor,
    webgl2,
    webgpuAdapter,
    webgpuUnavailable,
    software,
    webgpuSoftware,
    crossOriginIsolated: !!g.crossOriginIsolated,
  };
}
