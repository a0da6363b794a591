/**
 * Text form of the host training path's WebAssembly SIMD kernels (compiled by scripts/gen-kernels.ts;
 * used through `../hostKernels.ts`). All pointers are byte offsets into the module's one memory.
 *
 *   gemm(a, b, c, m, k, n, sai, sap, acc)   C[m,n] (+)= Σ_p A(i,p)·B[p,:]
 *     B and C row-major; A(i,p) at a + 4·(i·sai + p·sap): A itself (sai = k, sap = 1) or Xᵀ of a
 *     row-major X[k,m] (sai = 1, sap = m) without a transposed copy. n % 8 == 0. 4-row × 8-column
 *     register tiles (8 f32x4 accumulators + 2 B vectors + the broadcast A value: 11 of x64's 16 vector
 *     registers), leftover rows one at a time; each output summed over p in order, in float32, fused
 *     when `fma`. acc ≠ 0 adds into C.
 *   gemmBias(a, b, c, m, k, n, bias, relu)  C = A·B + bias (a row of n), then ReLU when relu ≠ 0 (the
 *     folded eval-mode encoder: batch norm folded into W and the bias)
 *
 * The rest mirror the JS loops of hostModel.ts operation for operation in float64 lanes (f64x2: float32
 * values promoted, every sum in the same order, rounded to float32 only where the JS stores into a
 * Float32Array), so they are bit-identical to them — test/host-kernels.test.ts checks exactly that.
 * H (the hidden width) % 4 == 0; f64 arrays 8-byte aligned.
 *
 *   colStats(u, rows, H, s1, s2)                         s1[c] = Σ_r u[r,c], s2[c] = Σ_r u[r,c]²
 *   bnRelu(u, rows, H, mean, invstd, gam, bet, xhat, a)  x̂ = (u − mean)·invstd; a = ReLU(γ·x̂ + β)
 *   reluGradSums(da, a, xhat, rows, H, out, dbeta, dgamma)
 *                                                        out = da ⊙ [a > 0]; dβ = Σ out; dγ = Σ out ⊙ x̂
 *   bnInputGrad(g, xhat, rows, H, scale, mb, mg, db)     g ← scale·(g − mb − x̂·mg); db = Σ g (unrounded)
 *   aggregate(h, c, count, eps1, er, ec, ew, nnz, out)   out = eps1·h + Ã·h over (row, col, weight) triples
 *   transpose(a, rows, cols, out)                        out[c, r] = a[r, c] (float32, exact)
 *   sumSquares(g, n) → Σ g[i]² (float64, in order: the scalar loop of adamHostUpdate)
 *   adam(p, g, m, v, n, scale, a, c2, eps, b1, b2, o1, o2)
 *                                                        PyTorch's Adam on float32 p, m, v (o1 = 1 − b1, o2 = 1 − b2)
 */
export function hostKernelsText(fma: boolean): string {
  return `(module
  (memory (export "mem") 1)
${gemm(fma, false)}
${gemm(fma, true)}
${colStats}
${bnRelu}
${reluGradSums}
${bnInputGrad}
${aggregate}
${transpose}
${sumSquares}
${adam}
)
`;
}

const get = (x: string) => `(local.get ${x})`;
const set = (x: string, v: string) => `(local.set ${x} ${v})`;
const add = (a: string, b: string) => `(i32.add ${a} ${b})`;
const inc = (x: string, by: string) => set(x, add(get(x), by));
/** Two float32 at `addr` as float64 lanes. */
const load2 = (addr: string, offset = 0) => `(f64x2.promote_low_f32x4 (v128.load64_zero offset=${offset} ${addr}))`;
/** Float64 lanes rounded to float32, stored as two float32 at `addr`. */
const store2 = (addr: string, v: string, offset = 0) => `(v128.store64_lane offset=${offset} 0 ${addr} (f32x4.demote_f64x2_zero ${v}))`;
const ZERO = '(v128.const i64x2 0 0)';
/** The two f64x2 vectors at `base + off` and 16 bytes on (4 float64: one 4-column block of a float64 row). */
const loadPair = (base: string, off: string) => [`(v128.load ${add(get(base), off)})`, `(v128.load offset=16 ${add(get(base), off)})`];
const storePair = (base: string, off: string, lo: string, hi: string) =>
  `(v128.store ${add(get(base), off)} ${get(lo)})
      (v128.store offset=16 ${add(get(base), off)} ${get(hi)})`;
/** `for (i = 0; i < end; i += step)` over a byte offset. */
const loop = (label: string, i: string, start: string, end: string, step: string, body: string) => `
    ${set(i, start)}
    (block $end_${label} (loop $${label}
      (br_if $end_${label} (i32.ge_u ${get(i)} ${end}))
      ${body}
      ${inc(i, step)}
      (br $${label})))`;

function gemm(fma: boolean, epilogue: boolean): string {
  const madd = (acc: string, a: string, b: string) => fma
    ? set(acc, `(f32x4.relaxed_madd ${get(a)} ${get(b)} ${get(acc)})`)
    : set(acc, `(f32x4.add ${get(acc)} (f32x4.mul ${get(a)} ${get(b)}))`);
  const ROWS = 4;
  const rowAddr = (r: number) => add(get('$cp'), `(i32.mul (i32.const ${r}) ${get('$nb')})`);
  const tile = (count: number) => {
    const rs = Array.from({ length: count }, (_, r) => r);
    return `
      ${set('$cp', add(get('$c'), `(i32.shl ${add(`(i32.mul ${get('$i')} ${get('$n')})`, get('$j'))} (i32.const 2))`))}
      ${epilogue ? rs.map((r) => `${set(`$c${r}a`, ZERO)} ${set(`$c${r}b`, ZERO)}`).join(' ') : `(if ${get('$acc')}
        (then ${rs.map((r) => `${set(`$c${r}a`, `(v128.load ${rowAddr(r)})`)} ${set(`$c${r}b`, `(v128.load offset=16 ${rowAddr(r)})`)}`).join(' ')})
        (else ${rs.map((r) => `${set(`$c${r}a`, ZERO)} ${set(`$c${r}b`, ZERO)}`).join(' ')}))`}
      ${rs.map((r) => set(`$ap${r}`, r === 0 ? get('$arow') : add(get('$arow'), `(i32.mul (i32.const ${r}) ${get('$sai')})`))).join(' ')}
      ${set('$bp', add(get('$b'), `(i32.shl ${get('$j')} (i32.const 2))`))}
      ${set('$p', get('$k'))}
      (block $doneP (loop $loopP
        (br_if $doneP (i32.eqz ${get('$p')}))
        ${set('$b0', `(v128.load ${get('$bp')})`)}
        ${set('$b1', `(v128.load offset=16 ${get('$bp')})`)}
        ${rs.map((r) => `
        ${set('$av', `(v128.load32_splat ${get(`$ap${r}`)})`)}
        ${madd(`$c${r}a`, '$av', '$b0')}
        ${madd(`$c${r}b`, '$av', '$b1')}`).join('')}
        ${rs.map((r) => inc(`$ap${r}`, get('$sap'))).join(' ')}
        ${inc('$bp', get('$nb'))}
        ${set('$p', `(i32.sub ${get('$p')} (i32.const 1))`)}
        (br $loopP)))
      ${epilogue ? `
      ${set('$b0', `(v128.load ${add(get('$bias'), `(i32.shl ${get('$j')} (i32.const 2))`)})`)}
      ${set('$b1', `(v128.load offset=16 ${add(get('$bias'), `(i32.shl ${get('$j')} (i32.const 2))`)})`)}
      ${rs.map((r) => `${set(`$c${r}a`, `(f32x4.add ${get(`$c${r}a`)} ${get('$b0')})`)} ${set(`$c${r}b`, `(f32x4.add ${get(`$c${r}b`)} ${get('$b1')})`)}`).join(' ')}
      (if ${get('$relu')} (then ${rs.map((r) => `${set(`$c${r}a`, `(f32x4.max ${get(`$c${r}a`)} ${ZERO})`)} ${set(`$c${r}b`, `(f32x4.max ${get(`$c${r}b`)} ${ZERO})`)}`).join(' ')}))` : ''}
      ${rs.map((r) => `
      (v128.store ${rowAddr(r)} ${get(`$c${r}a`)})
      (v128.store offset=16 ${rowAddr(r)} ${get(`$c${r}b`)})`).join('')}`;
  };
  const rowBlock = (count: number, label: string) => `
    (block $done${label} (loop $loop${label}
      (br_if $done${label} (i32.gt_s ${add(get('$i'), `(i32.const ${count})`)} ${get('$m')}))
      ${set('$arow', add(get('$a'), `(i32.mul ${get('$i')} ${get('$sai')})`))}
      ${set('$j', '(i32.const 0)')}
      (block $doneJ (loop $loopJ
        (br_if $doneJ (i32.ge_s ${get('$j')} ${get('$n')}))
        ${tile(count)}
        ${inc('$j', '(i32.const 8)')}
        (br $loopJ)))
      ${inc('$i', `(i32.const ${count})`)}
      (br $loop${label})))`;
  return `
  (func (export "${epilogue ? 'gemmBias' : 'gemm'}") (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32) ${epilogue ? '(param $bias i32) (param $relu i32) (local $sai i32) (local $sap i32)' : '(param $sai i32) (param $sap i32) (param $acc i32)'}
    (local $i i32) (local $j i32) (local $p i32) (local $arow i32) (local $bp i32) (local $cp i32) (local $nb i32)
    ${Array.from({ length: ROWS }, (_, r) => `(local $ap${r} i32)`).join(' ')}
    (local $av v128) (local $b0 v128) (local $b1 v128)
    ${Array.from({ length: ROWS }, (_, r) => `(local $c${r}a v128) (local $c${r}b v128)`).join(' ')}
    ${epilogue ? `${set('$sai', `(i32.shl ${get('$k')} (i32.const 2))`)} ${set('$sap', '(i32.const 4)')}` : `${set('$sai', `(i32.shl ${get('$sai')} (i32.const 2))`)}
    ${set('$sap', `(i32.shl ${get('$sap')} (i32.const 2))`)}`}
    ${set('$nb', `(i32.shl ${get('$n')} (i32.const 2))`)}
    ${set('$i', '(i32.const 0)')}
    ${rowBlock(ROWS, 'Quad')}
    ${rowBlock(1, 'Single')}
  )`;
}

// Column-blocked reductions: 4 columns (two f64x2 pairs) per pass down the rows, accumulators in registers.
const colStats = `
  (func (export "colStats") (param $u i32) (param $rows i32) (param $H i32) (param $s1 i32) (param $s2 i32)
    (local $c i32) (local $o i32) (local $end i32) (local $hb i32) (local $xa v128) (local $xb v128)
    (local $a0 v128) (local $a1 v128) (local $q0 v128) (local $q1 v128)
    ${set('$hb', `(i32.shl ${get('$H')} (i32.const 2))`)}
    ${set('$end', add(get('$u'), `(i32.mul ${get('$rows')} ${get('$hb')})`))}
    ${loop('cols', '$c', '(i32.const 0)', get('$H'), '(i32.const 4)', `
      ${set('$a0', ZERO)} ${set('$a1', ZERO)} ${set('$q0', ZERO)} ${set('$q1', ZERO)}
      ${loop('rows', '$o', add(get('$u'), `(i32.shl ${get('$c')} (i32.const 2))`), get('$end'), get('$hb'), `
        ${set('$xa', load2(get('$o')))}
        ${set('$xb', load2(get('$o'), 8))}
        ${set('$a0', `(f64x2.add ${get('$a0')} ${get('$xa')})`)}
        ${set('$a1', `(f64x2.add ${get('$a1')} ${get('$xb')})`)}
        ${set('$q0', `(f64x2.add ${get('$q0')} (f64x2.mul ${get('$xa')} ${get('$xa')}))`)}
        ${set('$q1', `(f64x2.add ${get('$q1')} (f64x2.mul ${get('$xb')} ${get('$xb')}))`)}`)}
      ${storePair('$s1', `(i32.shl ${get('$c')} (i32.const 3))`, '$a0', '$a1')}
      ${storePair('$s2', `(i32.shl ${get('$c')} (i32.const 3))`, '$q0', '$q1')}`)}
  )`;

// Row-major pass; per column pair: x = (u − mean)·invstd → x̂; y = γ·x + β; a = (y + |y|)·0.5.
const bnRelu = `
  (func (export "bnRelu") (param $u i32) (param $rows i32) (param $H i32) (param $mean i32) (param $invstd i32) (param $gam i32) (param $bet i32) (param $xhat i32) (param $a i32)
    (local $o i32) (local $n i32) (local $c8 i32) (local $hb i32) (local $x v128) (local $y v128)
    ${set('$hb', `(i32.shl ${get('$H')} (i32.const 2))`)}
    ${set('$n', `(i32.mul ${get('$rows')} ${get('$hb')})`)}
    ${set('$c8', '(i32.const 0)')}
    ${loop('all', '$o', '(i32.const 0)', get('$n'), '(i32.const 8)', `
      ${set('$x', `(f64x2.mul (f64x2.sub ${load2(add(get('$u'), get('$o')))} (v128.load ${add(get('$mean'), get('$c8'))})) (v128.load ${add(get('$invstd'), get('$c8'))}))`)}
      ${store2(add(get('$xhat'), get('$o')), get('$x'))}
      ${set('$y', `(f64x2.add (f64x2.mul (v128.load ${add(get('$gam'), get('$c8'))}) ${get('$x')}) (v128.load ${add(get('$bet'), get('$c8'))}))`)}
      ${store2(add(get('$a'), get('$o')), `(f64x2.mul (f64x2.add ${get('$y')} (f64x2.abs ${get('$y')})) (f64x2.splat (f64.const 0.5)))`)}
      ${inc('$c8', '(i32.const 16)')}
      (if (i32.ge_u ${get('$c8')} (i32.shl ${get('$H')} (i32.const 3))) (then ${set('$c8', '(i32.const 0)')}))`)}
  )`;

const reluGradSums = `
  (func (export "reluGradSums") (param $da i32) (param $a i32) (param $xhat i32) (param $rows i32) (param $H i32) (param $out i32) (param $dbeta i32) (param $dgamma i32)
    (local $c i32) (local $o i32) (local $n i32) (local $hb i32) (local $v v128) (local $vl v128) (local $vh v128)
    (local $b0 v128) (local $b1 v128) (local $g0 v128) (local $g1 v128)
    ${set('$hb', `(i32.shl ${get('$H')} (i32.const 2))`)}
    ${set('$n', `(i32.mul ${get('$rows')} ${get('$hb')})`)}
    ${loop('cols', '$c', '(i32.const 0)', get('$hb'), '(i32.const 16)', `
      ${set('$b0', ZERO)} ${set('$b1', ZERO)} ${set('$g0', ZERO)} ${set('$g1', ZERO)}
      ${loop('rows', '$o', get('$c'), get('$n'), get('$hb'), `
        ${set('$v', `(v128.and (v128.load ${add(get('$da'), get('$o'))}) (f32x4.gt (v128.load ${add(get('$a'), get('$o'))}) ${ZERO}))`)}
        (v128.store ${add(get('$out'), get('$o'))} ${get('$v')})
        ${set('$vl', `(f64x2.promote_low_f32x4 ${get('$v')})`)}
        ${set('$vh', `(f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${get('$v')} ${get('$v')}))`)}
        ${set('$b0', `(f64x2.add ${get('$b0')} ${get('$vl')})`)}
        ${set('$b1', `(f64x2.add ${get('$b1')} ${get('$vh')})`)}
        ${set('$g0', `(f64x2.add ${get('$g0')} (f64x2.mul ${get('$vl')} ${load2(add(get('$xhat'), get('$o')))}))`)}
        ${set('$g1', `(f64x2.add ${get('$g1')} (f64x2.mul ${get('$vh')} ${load2(add(get('$xhat'), get('$o')), 8)}))`)}`)}
      ${storePair('$dbeta', `(i32.shl ${get('$c')} (i32.const 1))`, '$b0', '$b1')}
      ${storePair('$dgamma', `(i32.shl ${get('$c')} (i32.const 1))`, '$g0', '$g1')}`)}
  )`;

const bnInputGrad = `
  (func (export "bnInputGrad") (param $g i32) (param $xhat i32) (param $rows i32) (param $H i32) (param $scale i32) (param $mb i32) (param $mg i32) (param $db i32)
    (local $c i32) (local $o i32) (local $n i32) (local $hb i32) (local $c8 i32)
    (local $s0 v128) (local $s1 v128) (local $m0 v128) (local $m1 v128) (local $k0 v128) (local $k1 v128)
    (local $v0 v128) (local $v1 v128) (local $a0 v128) (local $a1 v128)
    ${set('$hb', `(i32.shl ${get('$H')} (i32.const 2))`)}
    ${set('$n', `(i32.mul ${get('$rows')} ${get('$hb')})`)}
    ${loop('cols', '$c', '(i32.const 0)', get('$hb'), '(i32.const 16)', `
      ${set('$c8', `(i32.shl ${get('$c')} (i32.const 1))`)}
      ${[['$s', '$scale'], ['$m', '$mb'], ['$k', '$mg']].map(([v, base]) => {
        const [lo, hi] = loadPair(base, get('$c8'));
        return `${set(`${v}0`, lo)} ${set(`${v}1`, hi)}`;
      }).join('\n      ')}
      ${set('$a0', ZERO)} ${set('$a1', ZERO)}
      ${loop('rows', '$o', get('$c'), get('$n'), get('$hb'), `
        ${set('$v0', `(f64x2.mul ${get('$s0')} (f64x2.sub (f64x2.sub ${load2(add(get('$g'), get('$o')))} ${get('$m0')}) (f64x2.mul ${load2(add(get('$xhat'), get('$o')))} ${get('$k0')})))`)}
        ${set('$v1', `(f64x2.mul ${get('$s1')} (f64x2.sub (f64x2.sub ${load2(add(get('$g'), get('$o')), 8)} ${get('$m1')}) (f64x2.mul ${load2(add(get('$xhat'), get('$o')), 8)} ${get('$k1')})))`)}
        ${store2(add(get('$g'), get('$o')), get('$v0'))}
        ${store2(add(get('$g'), get('$o')), get('$v1'), 8)}
        ${set('$a0', `(f64x2.add ${get('$a0')} ${get('$v0')})`)}
        ${set('$a1', `(f64x2.add ${get('$a1')} ${get('$v1')})`)}`)}
      ${storePair('$db', get('$c8'), '$a0', '$a1')}`)}
  )`;

// out = eps1·h over all `count` values (pairs, then an odd last one), then per triple t:
// out[row_t, :] += w_t · h[col_t, :] (pairs of columns, then the odd last column when c is odd).
const aggregate = `
  (func (export "aggregate") (param $h i32) (param $c i32) (param $count i32) (param $eps1 f64) (param $er i32) (param $ec i32) (param $ew i32) (param $nnz i32) (param $out i32)
    (local $o i32) (local $n i32) (local $t i32) (local $ro i32) (local $co i32) (local $cb i32) (local $cb2 i32) (local $k i32) (local $w f64) (local $wv v128) (local $e v128)
    ${set('$e', `(f64x2.splat ${get('$eps1')})`)}
    ${set('$n', `(i32.shl (i32.and ${get('$count')} (i32.const -2)) (i32.const 2))`)}
    ${loop('scale', '$o', '(i32.const 0)', get('$n'), '(i32.const 8)', store2(add(get('$out'), get('$o')), `(f64x2.mul ${get('$e')} ${load2(add(get('$h'), get('$o')))})`))}
    (if (i32.and ${get('$count')} (i32.const 1)) (then
      (f32.store ${add(get('$out'), get('$n'))} (f32.demote_f64 (f64.mul ${get('$eps1')} (f64.promote_f32 (f32.load ${add(get('$h'), get('$n'))})))))))
    ${set('$cb', `(i32.shl ${get('$c')} (i32.const 2))`)}
    ${set('$cb2', `(i32.shl (i32.and ${get('$c')} (i32.const -2)) (i32.const 2))`)}
    ${loop('edges', '$t', '(i32.const 0)', `(i32.shl ${get('$nnz')} (i32.const 2))`, '(i32.const 4)', `
      ${set('$ro', add(get('$out'), `(i32.mul (i32.load ${add(get('$er'), get('$t'))}) ${get('$cb')})`))}
      ${set('$co', add(get('$h'), `(i32.mul (i32.load ${add(get('$ec'), get('$t'))}) ${get('$cb')})`))}
      ${set('$w', `(f64.promote_f32 (f32.load ${add(get('$ew'), get('$t'))}))`)}
      ${set('$wv', `(f64x2.splat ${get('$w')})`)}
      ${loop('cols', '$k', '(i32.const 0)', get('$cb2'), '(i32.const 8)', store2(add(get('$ro'), get('$k')), `(f64x2.add ${load2(add(get('$ro'), get('$k')))} (f64x2.mul ${get('$wv')} ${load2(add(get('$co'), get('$k')))}))`))}
      (if (i32.and ${get('$c')} (i32.const 1)) (then
        (f32.store ${add(get('$ro'), get('$cb2'))} (f32.demote_f64 (f64.add (f64.promote_f32 (f32.load ${add(get('$ro'), get('$cb2'))})) (f64.mul ${get('$w')} (f64.promote_f32 (f32.load ${add(get('$co'), get('$cb2'))}))))))))`)}
  )`;

const sumSquares = `
  (func (export "sumSquares") (param $g i32) (param $n i32) (result f64)
    (local $o i32) (local $end i32) (local $s f64) (local $x f64)
    ${set('$end', add(get('$g'), `(i32.shl ${get('$n')} (i32.const 2))`))}
    ${loop('all', '$o', get('$g'), get('$end'), '(i32.const 4)', `
      ${set('$x', `(f64.promote_f32 (f32.load ${get('$o')}))`)}
      ${set('$s', `(f64.add ${get('$s')} (f64.mul ${get('$x')} ${get('$x')}))`)}`)}
    ${get('$s')}
  )`;

// Per pair: gi = g·scale; m ← f32(b1·m + o1·gi); v ← f32(b2·v + o2·gi·gi); p ← f32(p − a·m / (√(v / c2) + eps)),
// reading m and v back as the float32 just stored (as the JS loop does). n even.
const adam = `
  (func (export "adam") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32) (param $scale f64) (param $a f64) (param $c2 f64) (param $eps f64) (param $b1 f64) (param $b2 f64) (param $o1 f64) (param $o2 f64)
    (local $o i32) (local $end i32) (local $gi v128) (local $mi v128) (local $vi v128)
    (local $S v128) (local $A v128) (local $C v128) (local $E v128) (local $B1 v128) (local $B2 v128) (local $O1 v128) (local $O2 v128)
    ${set('$S', `(f64x2.splat ${get('$scale')})`)} ${set('$A', `(f64x2.splat ${get('$a')})`)} ${set('$C', `(f64x2.splat ${get('$c2')})`)} ${set('$E', `(f64x2.splat ${get('$eps')})`)}
    ${set('$B1', `(f64x2.splat ${get('$b1')})`)} ${set('$B2', `(f64x2.splat ${get('$b2')})`)} ${set('$O1', `(f64x2.splat ${get('$o1')})`)} ${set('$O2', `(f64x2.splat ${get('$o2')})`)}
    ${set('$end', `(i32.shl ${get('$n')} (i32.const 2))`)}
    ${loop('all', '$o', '(i32.const 0)', get('$end'), '(i32.const 8)', `
      ${set('$gi', `(f64x2.mul ${load2(add(get('$g'), get('$o')))} ${get('$S')})`)}
      ${set('$mi', `(f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul ${get('$B1')} ${load2(add(get('$m'), get('$o')))}) (f64x2.mul ${get('$O1')} ${get('$gi')}))))`)}
      ${set('$vi', `(f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul ${get('$B2')} ${load2(add(get('$v'), get('$o')))}) (f64x2.mul (f64x2.mul ${get('$O2')} ${get('$gi')}) ${get('$gi')}))))`)}
      ${store2(add(get('$m'), get('$o')), get('$mi'))}
      ${store2(add(get('$v'), get('$o')), get('$vi'))}
      ${store2(add(get('$p'), get('$o')), `(f64x2.sub ${load2(add(get('$p'), get('$o')))} (f64x2.div (f64x2.mul ${get('$A')} ${get('$mi')}) (f64x2.add (f64x2.sqrt (f64x2.div ${get('$vi')} ${get('$C')})) ${get('$E')})))`)}`)}
  )`;

// Row by row of the source; the destination advances by `rows` floats per element.
const transpose = `
  (func (export "transpose") (param $a i32) (param $rows i32) (param $cols i32) (param $out i32)
    (local $r i32) (local $src i32) (local $end i32) (local $dst i32) (local $step i32)
    ${set('$step', `(i32.shl ${get('$rows')} (i32.const 2))`)}
    ${loop('rows', '$r', '(i32.const 0)', get('$rows'), '(i32.const 1)', `
      ${set('$src', add(get('$a'), `(i32.shl (i32.mul ${get('$r')} ${get('$cols')}) (i32.const 2))`))}
      ${set('$end', add(get('$src'), `(i32.shl ${get('$cols')} (i32.const 2))`))}
      ${set('$dst', add(get('$out'), `(i32.shl ${get('$r')} (i32.const 2))`))}
      (block $end_cols (loop $cols
        (br_if $end_cols (i32.ge_u ${get('$src')} ${get('$end')}))
        (f32.store ${get('$dst')} (f32.load ${get('$src')}))
        ${inc('$src', '(i32.const 4)')}
        ${inc('$dst', get('$step'))}
        (br $cols)))`)}
  )`;
