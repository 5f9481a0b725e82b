// Negative return codes of the tiff kernels. src/kernels/tiff.ts turns each into a TiffError message,
// so keep the two lists in step.
export const E_TRUNCATED: i32 = -1; // compressed data ended before the output was complete
export const E_ZLIB_HEADER: i32 = -2; // not a zlib stream (bad CMF/FLG, preset dictionary)
export const E_BLOCK_TYPE: i32 = -3; // deflate block type 3
export const E_STORED_LEN: i32 = -4; // stored block LEN != ~NLEN
export const E_HUFFMAN: i32 = -5; // over-subscribed or otherwise invalid code lengths
export const E_SYMBOL: i32 = -6; // invalid literal/length or distance symbol
export const E_DISTANCE: i32 = -7; // back-reference before the start of the output
export const E_SHORT: i32 = -8; // the stream ended cleanly but produced too few bytes
export const E_LZW_CODE: i32 = -9; // LZW code not yet in the table
export const E_LZW_OLD: i32 = -10; // old-style (pre-5.0, LSB-first) LZW
export const E_PARAMS: i32 = -11; // inconsistent kernel parameters (a bug in the caller)
export const E_OUTPUT: i32 = -12; // encoder output buffer too small (a bug in the caller)
