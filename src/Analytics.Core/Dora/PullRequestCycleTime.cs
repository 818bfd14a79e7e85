namespace Analytics.Core.Dora;

/// <summary>Where a change's time goes, over the pull requests merged in the period (bots left out).</summary>
public sealed record PullRequestCycleTime(string Team, long PullRequests, PhaseFigure Coding, PhaseFigure Pickup, PhaseFigure Review, PhaseFigure Deploy);

/// <param name="Measured">Pull requests for which the phase could be measured (the sample for the median).</param>
/// <param name="Negative">Pull requests whose phase came out negative (clock skew, rebased commits): treated as unknown.</param>
public sealed record PhaseFigure(long Measured, TimeSpan? Median, long Negative);
