import * as tf from '@tensorflow/tfjs-core';

// tfjs greets every Node process with advice to install tfjs-node (which cannot install here);
// IS_TEST silences that and other console noise in test output.
tf.env().set('IS_TEST', true);
