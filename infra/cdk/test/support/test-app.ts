import { App, type AppProps } from 'aws-cdk-lib';
import { tempFolder } from './temp-folder';

/**
 * An `App` whose cloud assembly goes to a folder inside the test file's temp folder (removed after its tests). An
 * `App` without an `outdir` writes to a new `cdk.out*` folder in the temp directory and never removes it.
 */
export function testApp(props: AppProps = {}): App {
  return new App({ outdir: tempFolder('cdk.out-'), ...props });
}
