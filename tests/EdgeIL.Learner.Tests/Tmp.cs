namespace EdgeIL.Learner.Tests; public class Smoke { [Fact] public void A() => Assert.True(true); }
