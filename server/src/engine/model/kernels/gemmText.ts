/**
 * Text form of the host training path's matrix-product kernel (compiled by scripts/gen-kernels.ts).
 *
 *   gemm(a, b, c, m, k, n, sai, sap):  C[m,n] = Σ_p A(i,p)·B[p,:]
 *
 * B and C are row-major ([k,n], [m,n]); A(i,p) sits at a + 4·(i·sai + p·sap), so the same kernel takes
 * A (sai = k, sap = 1) or a transposed Xᵀ of a row-major X[k,m] (sai = 1, sap = m) without copying it.
 * n must be a multiple of 8. Tiles of 4 rows × 8 columns keep 8 f32x4 accumulators in registers (with
 * the two B vectors and the broadcast A value, 11 of x64's 16 vector registers); leftover rows go one at
 * a time. Each output is summed over p in order, in float32 (fused when `fma`).
 */
export function gemmText(fma: boolean): string {
  const madd = (acc: string, a: string, b: string) => fma
    ? `(local.set ${acc} (f32x4.relaxed_madd (local.get ${a}) (local.get ${b}) (local.get ${acc})))`
    : `(local.set ${acc} (f32x4.add (local.get ${acc}) (f32x4.mul (local.get ${a}) (local.get ${b}))))`;
  const ROWS = 4;
  const rows = Array.from({ length: ROWS }, (_, r) => r);
  const zero = (x: string) => `(local.set ${x} (v128.const i32x4 0 0 0 0))`;
  // One output tile: `r` rows from $ap (advancing by $sai per row) times the 8 columns at $bp.
  const tile = (count: number) => `
      ${Array.from({ length: count }, (_, r) => `${zero(`$c${r}a`)} ${zero(`$c${r}b`)}`).join(' ')}
      (local.set $ap (local.get $arow))
      (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $p (local.get $k))
      (block $doneP (loop $loopP
        (br_if $doneP (i32.eqz (local.get $p)))
        (local.set $b0 (v128.load (local.get $bp)))
        (local.set $b1 (v128.load offset=16 (local.get $bp)))
        ${Array.from({ length: count }, (_, r) => `
        (local.set $av (v128.load32_splat (i32.add (local.get $ap) (i32.mul (i32.const ${r}) (local.get $sai)))))
        ${madd(`$c${r}a`, '$av', '$b0')}
        ${madd(`$c${r}b`, '$av', '$b1')}`).join('')}
        (local.set $ap (i32.add (local.get $ap) (local.get $sap)))
        (local.set $bp (i32.add (local.get $bp) (local.get $nb)))
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (br $loopP)))
      (local.set $cp (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
      ${Array.from({ length: count }, (_, r) => `
      (v128.store (i32.add (local.get $cp) (i32.mul (i32.const ${r}) (local.get $nb))) (local.get $c${r}a))
      (v128.store offset=16 (i32.add (local.get $cp) (i32.mul (i32.const ${r}) (local.get $nb))) (local.get $c${r}b))`).join('')}`;
  // All column tiles of rows i..i+count-1, then advance i.
  const rowBlock = (count: number, label: string) => `
    (block $done${label} (loop $loop${label}
      (br_if $done${label} (i32.gt_s (i32.add (local.get $i) (i32.const ${count})) (local.get $m)))
      (local.set $arow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sai))))
      (local.set $j (i32.const 0))
      (block $doneJ (loop $loopJ
        (br_if $doneJ (i32.ge_s (local.get $j) (local.get $n)))
        ${tile(count)}
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $loopJ)))
      (local.set $i (i32.add (local.get $i) (i32.const ${count})))
      (br $loop${label})))`;
  return `(module
  (memory (export "mem") 1)
  (func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32) (param $sai i32) (param $sap i32)
    (local $i i32) (local $j i32) (local $p i32) (local $arow i32) (local $ap i32) (local $bp i32) (local $cp i32) (local $nb i32)
    (local $av v128) (local $b0 v128) (local $b1 v128)
    ${rows.map((r) => `(local $c${r}a v128) (local $c${r}b v128)`).join(' ')}
    (local.set $sai (i32.shl (local.get $sai) (i32.const 2)))
    (local.set $sap (i32.shl (local.get $sap) (i32.const 2)))
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (i32.const 0))
    ${rowBlock(ROWS, 'Quad')}
    ${rowBlock(1, 'Single')}
  )
)
`;
}
