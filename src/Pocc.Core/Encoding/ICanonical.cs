namespace Pocc.Core.Encoding;

/// <summary>A consensus object with one canonical binary encoding.</summary>
public interface ICanonical<TSelf> where TSelf : ICanonical<TSelf>
{
    void Write(ref CanonicalWriter writer);

    static abstract TSelf Read(ref CanonicalReader reader);
}
