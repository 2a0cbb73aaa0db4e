namespace EdgeIL.Learner; internal static class Placeholder { }
