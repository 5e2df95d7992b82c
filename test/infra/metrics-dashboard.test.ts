import { METRIC_UNITS, METRICS_NAMESPACE } from '../../src/runtime/metrics';
import { loadTemplate, resource } from './cfn-yaml';

const runner = loadTemplate('task-runner.yml');

describe('task-runner.yml’s optional metrics dashboard', () => {
  const dashboard = resource(runner, 'Dashboard', 'AWS::CloudWatch::Dashboard');

  it('exists only when MetricsDashboard is true', () => {
    expect(dashboard.Condition).toBe('HasMetricsDashboard');
    expect(runner.Conditions?.HasMetricsDashboard).toEqual({ 'Fn::Equals': [{ Ref: 'MetricsDashboard' }, 'true'] });
    expect(runner.Parameters?.MetricsDashboard).toMatchObject({ Default: 'false', AllowedValues: ['true', 'false'] });
  });

  it('graphs metrics the runner writes, in its namespace, with the dimensions it writes them with', () => {
    const body = (dashboard.Properties?.DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
    const parsed = JSON.parse(body.replaceAll('${AWS::Region}', 'eu-west-1')) as {
      widgets: { properties: { metrics: [{ expression: string }][] } }[];
    };
    const searches = parsed.widgets.flatMap((widget) => widget.properties.metrics.map(([metric]) => metric.expression));
    const graphed = searches.map((search) => {
      const found = /^SEARCH\('\{(\w+),service,([\w,]+)\} MetricName="(\w+)"', '(Sum|p95)', 300\)$/.exec(search);
      expect(found).not.toBeNull();
      return { namespace: found?.[1], dimensions: found?.[2], name: found?.[3] };
    });
    expect(graphed).toEqual([
      { namespace: METRICS_NAMESPACE, dimensions: 'Outcome,Cause', name: 'Runs' },
      { namespace: METRICS_NAMESPACE, dimensions: 'Outcome,Cause', name: 'RunSeconds' },
      { namespace: METRICS_NAMESPACE, dimensions: 'Outcome,Cause', name: 'SecondsFromExitToAnswer' },
      { namespace: METRICS_NAMESPACE, dimensions: 'Outcome,Cause', name: 'StartRetries' },
      { namespace: METRICS_NAMESPACE, dimensions: 'Operation', name: 'ThrottledCalls' },
      { namespace: METRICS_NAMESPACE, dimensions: 'Sweep', name: 'SweptTasks' },
    ]);
    for (const { name } of graphed) expect(Object.keys(METRIC_UNITS)).toContain(name);
  });
});
