// tfjs-core ships chained tensor methods (x.add(y)) and gradients as opt-in side-effect modules.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
